/// A small, bounded XML reader for AWS answers (EC2 and CloudFormation query responses, S3 and
/// query-protocol errors). It builds a tree of elements with their text; namespaces prefixes
/// are dropped, attributes ignored, DTDs refused. Limits on size, depth and element count keep
/// a hostile or broken answer from costing more than a bounded amount of memory.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace taupage {

struct XmlElement {
  std::string name;  // local name, without a namespace prefix
  std::string text;  // the element's own character data, entities decoded
  std::vector<XmlElement> children;

  // The first child with that name, or nullptr.
  const XmlElement* child(std::string_view child_name) const;
  // The text of the first child with that name, or empty.
  std::string child_text(std::string_view child_name) const;
  // The first element with that name anywhere below (depth first), or nullptr.
  const XmlElement* find(std::string_view descendant_name) const;
};

struct XmlLimits {
  size_t max_bytes = 4 * 1024 * 1024;
  size_t max_depth = 32;
  size_t max_elements = 100000;
};

// The root element of a document.
Result<XmlElement> parse_xml(std::string_view text, XmlLimits limits = {});

}  // namespace taupage
