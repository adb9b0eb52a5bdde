#pragma once
// A reply's identity on the ticket without keeping its text: a hash of the body with HTML tags,
// entities and whitespace differences removed, so the same reply read back as HTML or plain text
// (Richpanel stores both) gives the same fingerprint. Used to find "our" comment after a crash.
#include <string>
#include <string_view>

#include "core/ports/helpdesk.h"

namespace rpmw::core::actions {

std::string reply_fingerprint(std::string_view body);

// The fingerprint of what a comment shows: its plain body, else its HTML body.
std::string comment_fingerprint(const Comment& comment);

}  // namespace rpmw::core::actions
