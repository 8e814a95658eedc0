/// The YAML document as a tree of scalars, mappings and sequences, read with libyaml's event API,
/// every node knowing its line and column. Hostile input is bounded here: size, nesting depth,
/// and the number of nodes that aliases may expand to (the "billion laughs" bomb).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/diagnostic.h"

namespace taupage {

struct YamlEntry;

struct YamlNode {
  enum class Kind { Scalar, Mapping, Sequence };
  Kind kind = Kind::Scalar;
  Mark mark;
  std::string text;                // scalars: the text as written (without quotes)
  bool plain = true;               // scalars: written without quotes or block style
  std::string tag;                 // an explicit tag such as "tag:yaml.org,2002:str", else empty
  std::vector<YamlEntry> entries;  // mappings, in document order
  std::vector<YamlNode> items;     // sequences

  bool is_scalar() const { return kind == Kind::Scalar; }
  bool is_mapping() const { return kind == Kind::Mapping; }
  bool is_sequence() const { return kind == Kind::Sequence; }
  // A plain scalar that YAML resolves to null: "", "~", "null", "Null", "NULL".
  bool is_null() const;
  // What the node is, for messages: "a mapping", "a list", "the string \"x\"", "null", ...
  std::string describe() const;
};

struct YamlEntry {
  YamlNode key;
  YamlNode value;
};

struct YamlLimits {
  size_t max_bytes = 16 * 1024;  // EC2's user-data limit
  size_t max_depth = 32;
  size_t max_nodes = 20000;  // after alias expansion
};

struct YamlParse {
  bool ok = false;
  YamlNode root;       // when ok
  Diagnostic failure;  // when not: where libyaml or a limit stopped the reading
};

// Parses one YAML document (a second document in the stream is an error).
YamlParse parse_yaml(std::string_view text, const YamlLimits& limits = {});

}  // namespace taupage
