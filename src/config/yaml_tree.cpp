#include "config/yaml_tree.h"

#include <yaml.h>

#include <map>

#include "util/strings.h"

namespace taupage {

bool YamlNode::is_null() const {
  if (kind != Kind::Scalar || !plain || !tag.empty()) return false;
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

std::string YamlNode::describe() const {
  switch (kind) {
    case Kind::Mapping: return "a mapping";
    case Kind::Sequence: return "a list";
    case Kind::Scalar: break;
  }
  if (is_null()) return "null";
  std::string shown = text.size() > 40 ? text.substr(0, 40) + "..." : text;
  return plain ? shown : quote(shown) + " (quoted)";
}

namespace {

Mark mark_of(const yaml_mark_t& m) { return Mark{static_cast<int>(m.line) + 1, static_cast<int>(m.column) + 1}; }

class TreeBuilder {
 public:
  TreeBuilder(std::string_view text, const YamlLimits& limits) : text_(text), limits_(limits) {}

  YamlParse run() {
    YamlParse result;
    if (text_.size() > limits_.max_bytes) {
      return fail(Mark{}, strfmt("user data is %zu bytes; EC2 allows at most %zu", text_.size(), limits_.max_bytes));
    }
    if (!yaml_parser_initialize(&parser_)) return fail(Mark{}, "cannot initialise the YAML parser");
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text_.data()), text_.size());
    bool ok = parse_stream(result.root);
    yaml_parser_delete(&parser_);
    if (!ok) return failure_;
    result.ok = true;
    return result;
  }

 private:
  YamlParse fail(Mark mark, const std::string& message) {
    failure_.ok = false;
    failure_.failure = Diagnostic{Diagnostic::Severity::Error, "$", mark, message};
    return failure_;
  }

  bool parser_error() {
    std::string message = "invalid YAML: ";
    message += parser_.problem ? parser_.problem : "unknown problem";
    if (parser_.context) message += std::string(" ") + parser_.context;
    Mark mark = mark_of(parser_.problem_mark);
    if (parser_.error == YAML_READER_ERROR) {
      // Reader errors (bad UTF-8, control bytes) carry an offset, not a line.
      mark = line_col_at(parser_.problem_offset);
      message = strfmt("invalid YAML: %s (byte 0x%02x at offset %zu)", parser_.problem ? parser_.problem : "unreadable input",
                       static_cast<unsigned>(parser_.problem_value & 0xff), parser_.problem_offset);
    }
    fail(mark, message);
    return false;
  }

  Mark line_col_at(size_t offset) const {
    Mark m{1, 1};
    for (size_t i = 0; i < offset && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++m.line;
        m.column = 1;
      } else {
        ++m.column;
      }
    }
    return m;
  }

  bool next(yaml_event_t& event) {
    if (!yaml_parser_parse(&parser_, &event)) return parser_error();
    return true;
  }

  bool parse_stream(YamlNode& root) {
    yaml_event_t event;
    if (!next(event)) return false;  // STREAM_START
    yaml_event_delete(&event);
    if (!next(event)) return false;
    if (event.type == YAML_STREAM_END_EVENT) {
      yaml_event_delete(&event);
      root = YamlNode{};  // an empty document: a null scalar
      return true;
    }
    yaml_event_delete(&event);  // DOCUMENT_START
    if (!next(event)) return false;
    if (!parse_node(event, root, 0)) return false;
    if (!next(event)) return false;  // DOCUMENT_END
    yaml_event_delete(&event);
    if (!next(event)) return false;
    bool more = event.type != YAML_STREAM_END_EVENT;
    Mark mark = mark_of(event.start_mark);
    yaml_event_delete(&event);
    if (more) {
      fail(mark, "a second YAML document ('---'); user data must be one document");
      return false;
    }
    return true;
  }

  bool count_node(Mark mark) {
    if (++nodes_ > limits_.max_nodes) {
      fail(mark, strfmt("the document expands to more than %zu nodes (an alias bomb?)", limits_.max_nodes));
      return false;
    }
    return true;
  }

  size_t count_tree(const YamlNode& node) const {
    size_t n = 1;
    for (const auto& [k, v] : node.entries) n += count_tree(k) + count_tree(v);
    for (const auto& item : node.items) n += count_tree(item);
    return n;
  }

  // Takes ownership of `event` (already parsed) and fills `out`.
  bool parse_node(yaml_event_t& event, YamlNode& out, size_t depth) {
    Mark mark = mark_of(event.start_mark);
    if (depth > limits_.max_depth) {
      yaml_event_delete(&event);
      fail(mark, strfmt("nested deeper than %zu levels", limits_.max_depth));
      return false;
    }
    out.mark = mark;
    std::string anchor;
    switch (event.type) {
      case YAML_ALIAS_EVENT: {
        std::string name = reinterpret_cast<const char*>(event.data.alias.anchor);
        yaml_event_delete(&event);
        auto it = anchors_.find(name);
        if (it == anchors_.end()) {
          fail(mark, "alias *" + name + " refers to no anchor");
          return false;
        }
        nodes_ += count_tree(it->second);
        if (nodes_ > limits_.max_nodes) {
          fail(mark, strfmt("aliases expand the document to more than %zu nodes (an alias bomb?)", limits_.max_nodes));
          return false;
        }
        out = it->second;
        out.mark = mark;
        return true;
      }
      case YAML_SCALAR_EVENT: {
        if (!count_node(mark)) {
          yaml_event_delete(&event);
          return false;
        }
        out.kind = YamlNode::Kind::Scalar;
        out.text.assign(reinterpret_cast<const char*>(event.data.scalar.value), event.data.scalar.length);
        out.plain = event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        if (event.data.scalar.tag) out.tag = reinterpret_cast<const char*>(event.data.scalar.tag);
        if (event.data.scalar.anchor) anchor = reinterpret_cast<const char*>(event.data.scalar.anchor);
        yaml_event_delete(&event);
        break;
      }
      case YAML_SEQUENCE_START_EVENT: {
        if (event.data.sequence_start.anchor) anchor = reinterpret_cast<const char*>(event.data.sequence_start.anchor);
        yaml_event_delete(&event);
        if (!count_node(mark)) return false;
        out.kind = YamlNode::Kind::Sequence;
        while (true) {
          yaml_event_t child;
          if (!next(child)) return false;
          if (child.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&child);
            break;
          }
          out.items.emplace_back();
          if (!parse_node(child, out.items.back(), depth + 1)) return false;
        }
        break;
      }
      case YAML_MAPPING_START_EVENT: {
        if (event.data.mapping_start.anchor) anchor = reinterpret_cast<const char*>(event.data.mapping_start.anchor);
        yaml_event_delete(&event);
        if (!count_node(mark)) return false;
        out.kind = YamlNode::Kind::Mapping;
        while (true) {
          yaml_event_t key_event;
          if (!next(key_event)) return false;
          if (key_event.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&key_event);
            break;
          }
          YamlEntry entry;
          if (!parse_node(key_event, entry.key, depth + 1)) return false;
          yaml_event_t value_event;
          if (!next(value_event)) return false;
          if (!parse_node(value_event, entry.value, depth + 1)) return false;
          out.entries.push_back(std::move(entry));
        }
        break;
      }
      default:
        yaml_event_delete(&event);
        fail(mark, "unexpected YAML event");
        return false;
    }
    if (!anchor.empty()) anchors_[anchor] = out;
    return true;
  }

  std::string_view text_;
  YamlLimits limits_;
  yaml_parser_t parser_{};
  YamlParse failure_;
  size_t nodes_ = 0;
  std::map<std::string, YamlNode> anchors_;
};

}  // namespace

YamlParse parse_yaml(std::string_view text, const YamlLimits& limits) { return TreeBuilder(text, limits).run(); }

}  // namespace taupage
