#pragma once
// The small mustache subset the reply templates use: {{var}}, {{#var}}…{{/var}} and
// {{^var}}…{{/var}}. No partials, lambdas, triple braces or delimiter changes: a general engine
// would accept far more than reply copy needs, and every extra feature is a way to leak text.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"

namespace rpmw::core::templates {

struct MustacheNode {
  enum class Kind { text, variable, section, inverted };
  Kind kind = Kind::text;
  std::string value;  // the text, or the variable name
  std::vector<MustacheNode> children;
};

// Parses a template; errors (code "template_error:<detail>") for unterminated tags, bad names and
// unbalanced blocks.
Result<std::vector<MustacheNode>> parse_mustache(std::string_view text);

// Every variable name referenced (variables and block names), in first-use order, no repeats.
std::vector<std::string> referenced_variables(const std::vector<MustacheNode>& nodes);

// Renders parsed nodes: values are plain text with control characters stripped; a block shows
// when its variable is set and non-empty (an inverted block when it is not).
std::string render_mustache(const std::vector<MustacheNode>& nodes,
                            const std::map<std::string, std::string>& vars);

// Trims each line's trailing spaces, collapses runs of blank lines into one and trims the whole.
std::string tidy_text(std::string_view text);

// Removes ASCII and C1 control characters (tab and newline included: values are single-line).
std::string strip_control_chars(std::string_view value);

}  // namespace rpmw::core::templates
