#pragma once
// Internal to redact.cpp: the pattern text and word lists of the redactor, kept apart from the
// matching engine so each can be read on its own. Not part of the public API.
#include <array>
#include <string>
#include <string_view>

namespace rpmw::core::text::redact_patterns {

// ---- pattern text --------------------------------------------------------------------------
// Letters are spelled as Latin classes ({U} upper, {l} lower, {N} name letters, {W} street-name
// letters) instead of \p{L}: the automata stay small, which is what a match costs. Names in
// other scripts are out of scope for en/es tenants.

constexpr const char* kUrlEmail = R"(\b(?i:https?://|www\.)[^\s<>"'`]+)"
                                  R"(|[A-Za-z0-9._%+\-]+@(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,24}\b)";

// Greetings, sign-offs and introductions after which capitalised words are a name. One list
// feeds both the pattern and the code that splits a match (keyword | punctuation | name).
constexpr std::string_view kNameKeywords =
    "hi|hello|hey|dear|greetings|good morning|good afternoon|good evening|hola|"
    "buenos días|buenos dias|buenas tardes|buenas noches|estimado|estimada|estimados|"
    "estimadas|querido|querida|thanks|thanks so much|thanks again|thanks a lot|thank you|"
    "thank you so much|thank you again|thank you very much|many thanks|thx|regards|"
    "best regards|kind regards|warm regards|warmest regards|best wishes|all the best|"
    "best|sincerely|yours sincerely|sincerely yours|yours truly|respectfully|cheers|"
    "gracias|muchas gracias|saludos|saludos cordiales|un saludo|atentamente|cordialmente|"
    "my name is|this is|me llamo|mi nombre es|soy";

constexpr std::string_view kTitles[] = {"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Sr", "Sra", "Srta"};

// Separator punctuation allowed between the keyword and the name.
constexpr std::string_view kNamePunct[] = {",", "!", ":", ";", "-", "–", "—"};

// Words allowed between a keyword ("order", "tracking") and its number.
constexpr const char* kFiller =
    R"((?:[ \t]+(?:(?i:number|num|no|nr|id|code|n[úu]mero|is|was|es|de|del|env[ií]o)\b)"
    R"(|n[º°])\.?){0,3}[ \t]*(?:[:#][ \t]*){0,2})";

constexpr const char* kStates =
    R"((?:A[KLRZ]|C[AOT]|D[CE]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|P[AR])"
    R"(|RI|S[CD]|T[NX]|UT|V[AIT]|W[AIVY]))";

// The digit pass, one pattern per kind, in priority order (an earlier kind wins at the same
// start). The combined pattern only finds boundaries; the kinds then classify the span.
enum Kind {
  kProtect,        // order numbers: kept verbatim
  kTrackCtx,       // "tracking number: X"
  kPostal,         // "zip code 62704"
  kTrackFixed,     // UPS 1Z…, S10 "LZ123456789US", Amazon TBA…
  kIntlPhone,      // +CC …
  kAddress,        // streets, P.O. boxes, "City, ST 12345"
  kFixedPhone,     // NANP with separators, Spanish 3-2-2-2 / 3-3-3
  kNationalPhone,  // trunk 0: "020 7946 0958", "030 12345678" (digit count checked in code)
  kDigitRun,       // 10–34 digits or card-style groups: cards, USPS, FedEx, DHL, bare phones
  kKinds,
};

constexpr std::array<const char*, kKinds> kKindPatterns = {
    R"(\b(?i:order|pedido|orden|compra)s?{FILL}(?:\d{3}-\d{7}-\d{7}|\d{3,12})\b)"
    R"(|#[ \t]?\d{3,12}\b)",
    R"(\b(?i:tracking|track|seguimiento|rastreo){FILL}[A-Za-z0-9]{8,34}\b)",
    R"(\b(?i:zip(?:[ \t]*code)?|postal[ \t]*code|post[ \t]*code|c[óo]digo[ \t]+postal))"
    R"((?:[ \t]+(?i:is|es))?[ \t]*[:#]?[ \t]*\d{5}(?:-\d{4})?\b)",
    R"(\b(?:1[Zz][0-9A-Za-z]{16}|[A-Z]{2}\d{9}[A-Z]{2}|TBA\d{12})\b)",
    R"(\+\d{1,3}(?:[ .\-]?\(\d{1,4}\)[ .\-]?\d{2,8}|[ .\-]?\d{2,12})(?:[ .\-]\d{2,8}){0,5}\b)",
    // US street (+ optional unit and "City, ST 12345") | P.O. box | Spanish street | City, ST ZIP
    R"(\b\d{1,6}[A-Za-z]?(?:[ \t]+(?:{U}{W}*|\d{1,3}(?:st|nd|rd|th))){1,4}[ \t]+)"
    R"((?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Terrace)"
    R"(|Ter|Place|Pl|Circle|Cir|Highway|Hwy|Parkway|Pkwy|Square|Sq|Trail|Trl|Alley)\b\.?)"
    R"((?:[ \t]+(?:N|S|E|W|NE|NW|SE|SW)\b)?)"
    R"((?:,?[ \t]+(?:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|Rm|Room|#)\.?[ \t]?#?)"
    R"([A-Za-z0-9\-]{1,6}\b)?)"
    R"((?:,?\s+{CITY},?[ \t]+{ST}[ \t]+\d{5}(?:-\d{4})?\b)?)"
    R"(|\b(?i:p\.?[ \t]?o\.?[ \t]*box)[ \t]+\d{1,8}\b)"
    R"(|\b(?i:calle|c/|avenida|avda\.?|av\.?|paseo|plaza|pza\.?|camino|carrera|ronda|traves[ií]a)"
    R"(|carretera|glorieta|rambla)[ \t]+(?:(?:de|del|la|las|los|el|y)[ \t]+|{U}{W}*,?[ \t]+){1,5})"
    R"((?:(?i:n[º°o]\.?|num\.?|n[úu]mero)[ \t]*)?\d{1,5}[A-Za-z]?\b)"
    R"((?:,?[ \t]*\d{1,2}[º°ª](?:[ \t]?[A-Za-z]\b)?)?)"
    R"(|\b{CITY},[ \t]*{ST}[ \t]+\d{5}(?:-\d{4})?\b)",
    R"((?:\b1[ .\-]?)?(?:\(\d{3}\)[ .\-]?|\b\d{3}[ .\-])\d{3}[ .\-]\d{4}\b)"
    R"(|\b[6789]\d{2}(?:[ .]\d{2}){3}\b|\b[6789]\d{2}[ .]\d{3}[ .]\d{3}\b)",
    R"(\b0\d{1,4}[ /\-]?\d{3,8}(?:[ \-]\d{2,4}){0,2}\b)",
    R"(\b\d{4}(?:[ \-]\d{4}){2,4}(?:[ \-]\d{1,4})?\b|\b\d{4}[ \-]\d{6}[ \-]\d{4,5}\b)"
    R"(|\b\d{10,34}\b)",
};

// Expands the {…} shorthands above.
inline std::string expand(std::string_view pattern) {
  struct Macro {
    std::string_view name;
    std::string_view text;
  };
  static constexpr Macro kMacros[] = {
      {"{CITY}", "{U}{l}+(?:[ \\t]+{U}{l}+){0,2}"},
      {"{FILL}", kFiller},
      {"{ST}", kStates},
      {"{U}", "[A-ZÀ-ÖØ-ÞĀ-ſ]"},
      {"{l}", "[a-zß-öø-ÿĀ-ſ]"},
      {"{N}", "[A-Za-zÀ-ÖØ-öø-ÿĀ-ſ'’\\-]"},
      {"{W}", "[A-Za-zÀ-ÖØ-öø-ÿĀ-ſ'’.\\-]"},
  };
  std::string out(pattern);
  for (const Macro& m : kMacros) {
    for (std::size_t p = out.find(m.name); p != std::string::npos; p = out.find(m.name, p)) {
      out.replace(p, m.name.size(), m.text);
      p += m.text.size();
    }
  }
  return out;
}

// Capitalised words that follow greetings but are not names ("Hi Team", "Thanks Again").
constexpr std::string_view kNotNames =
    "team|there|all|everyone|everybody|guys|folks|support|sir|madam|maam|customer|"
    "customers|service|services|care|help|helpdesk|friend|friends|again|so|for|in|on|at|"
    "you|yes|no|ok|okay|please|pls|and|or|but|the|my|our|your|we|im|it|its|this|that|is|"
    "hello|hi|hey|dear|thanks|thank|regards|best|advance|much|very|from|to|order|orders|"
    "pedido|equipo|soporte|todos|todas|hola|gracias|buenas|buenos|amigo|amigos|cliente|"
    "servicio|admin|staff|agent|sales|billing|store|shop|where|what|when|why|how|can|"
    "could|would|will|just|not|still|about|urgent|mr|mrs|ms|miss|mx|dr|sr|sra|srta|i|"
    "tracking|ups|usps|fedex|dhl|amazon|if";

}  // namespace rpmw::core::text::redact_patterns
