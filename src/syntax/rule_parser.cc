// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// YAML document -> RuleAst: rule attributes, search identifiers, conditions, filters
// and correlations. Tested by tests/syntax/rule_parser_test.cc.

#include <cstdlib>
#include <regex>
#include <set>

#include "syntax/rule_ast.h"

namespace vigil::internal {
namespace {

class DocParser {
 public:
  DocParser(const YamlDocument& doc, RuleAst* out, std::vector<Diagnostic>* diags)
      : doc_(doc), out_(out), diags_(diags), file_(doc.where.file) {}

  bool Parse() {
    const YAML::Node& root = doc_.root;
    if (!root.IsMap()) return Error(root, "a rule document must be a YAML map");
    out_->info.where = doc_.where;
    if (root["correlation"]) {
      out_->kind = RuleAst::Kind::kCorrelation;
    } else if (root["filter"] && !root["detection"]) {
      out_->kind = RuleAst::Kind::kFilter;
    } else if (root["action"]) {
      return Error(root["action"],
                   "'action' rule collections (global/reset/repeat) are Sigma 1 syntax that "
                   "Sigma 2 removed; write each rule as its own document");
    }
    ParseAttributes(root);
    switch (out_->kind) {
      case RuleAst::Kind::kDetection: {
        const YAML::Node det = root["detection"];
        if (!det) return Error(root, "rule has no 'detection'");
        if (!ParseDetection(det, /*filter=*/false)) return false;
        break;
      }
      case RuleAst::Kind::kFilter:
        if (!ParseFilter(root["filter"])) return false;
        break;
      case RuleAst::Kind::kCorrelation:
        if (!ParseCorrelation(root["correlation"])) return false;
        break;
    }
    if (out_->info.title.empty()) return Error(root, "rule has no 'title'");
    return ok_;
  }

 private:
  bool Error(const YAML::Node& at, std::string message) {
    diags_->push_back({Severity::kError, LocationOf(at, file_), std::move(message)});
    ok_ = false;
    return false;
  }
  void Warn(const YAML::Node& at, std::string message) {
    diags_->push_back({Severity::kWarning, LocationOf(at, file_), std::move(message)});
  }

  bool ScalarString(const YAML::Node& n, const char* what, std::string* out) {
    if (!n || n.IsNull()) return true;
    if (!n.IsScalar()) return Error(n, std::string("'") + what + "' must be a string");
    *out = n.Scalar();
    return true;
  }

  bool StringList(const YAML::Node& n, const char* what, std::vector<std::string>* out) {
    if (!n || n.IsNull()) return true;
    if (n.IsScalar()) {
      out->push_back(n.Scalar());
      return true;
    }
    if (!n.IsSequence()) return Error(n, std::string("'") + what + "' must be a list of strings");
    for (const auto& e : n) {
      if (!e.IsScalar()) return Error(e, std::string("'") + what + "' must be a list of strings");
      out->push_back(e.Scalar());
    }
    return true;
  }

  void ParseAttributes(const YAML::Node& root) {
    RuleInfo& info = out_->info;
    static const std::set<std::string> kKnown = {
        "title", "id", "name", "status", "description", "license", "author", "date",
        "modified", "level", "references", "tags", "falsepositives", "fields", "related",
        "logsource", "detection", "filter", "correlation", "taxonomy", "scope"};
    ScalarString(root["title"], "title", &info.title);
    ScalarString(root["id"], "id", &info.id);
    ScalarString(root["name"], "name", &info.name);
    ScalarString(root["status"], "status", &info.status);
    ScalarString(root["description"], "description", &info.description);
    ScalarString(root["license"], "license", &info.license);
    ScalarString(root["date"], "date", &info.date);
    ScalarString(root["modified"], "modified", &info.modified);
    ScalarString(root["level"], "level", &info.level);
    if (const YAML::Node a = root["author"]; a && a.IsSequence()) {
      std::vector<std::string> authors;
      StringList(a, "author", &authors);
      for (size_t i = 0; i < authors.size(); ++i) info.author += (i ? ", " : "") + authors[i];
    } else {
      ScalarString(a, "author", &info.author);
    }
    StringList(root["references"], "references", &info.references);
    StringList(root["tags"], "tags", &info.tags);
    StringList(root["falsepositives"], "falsepositives", &info.falsepositives);
    StringList(root["fields"], "fields", &info.fields);
    if (const YAML::Node rel = root["related"]; rel && !rel.IsNull()) {
      if (!rel.IsSequence()) {
        Error(rel, "'related' must be a list of {id, type}");
      } else {
        for (const auto& r : rel) {
          RelatedRule rr;
          if (r.IsMap()) {
            ScalarString(r["id"], "related id", &rr.id);
            ScalarString(r["type"], "related type", &rr.type);
          }
          info.related.push_back(rr);
        }
      }
    }
    if (const YAML::Node ls = root["logsource"]; ls && !ls.IsNull()) {
      if (!ls.IsMap()) {
        Error(ls, "'logsource' must be a map");
      } else {
        ScalarString(ls["category"], "category", &info.logsource.category);
        ScalarString(ls["product"], "product", &info.logsource.product);
        ScalarString(ls["service"], "service", &info.logsource.service);
        ScalarString(ls["definition"], "definition", &info.logsource.definition);
      }
    }
    static const std::set<std::string> kLevels = {"informational", "low", "medium", "high",
                                                  "critical", ""};
    if (!kLevels.count(info.level)) {
      Warn(root["level"], "unknown level '" + info.level +
                              "' (expected informational, low, medium, high or critical)");
    }
    for (const auto& kv : root) {
      const std::string key = kv.first.as<std::string>("");
      if (!kKnown.count(key)) info.custom[key] = YamlToJson(kv.second);
    }
  }

  bool ParseValue(const YAML::Node& n, ValueAst* v) {
    v->where = LocationOf(n, file_);
    if (!n || n.IsNull()) {
      v->type = ValueAst::Type::kNull;
      return true;
    }
    if (!n.IsScalar()) return Error(n, "a value must be a scalar (string, number, boolean or null)");
    v->text = n.Scalar();
    v->type = ValueAst::Type::kString;
    if (IsPlainScalar(n)) {
      static const std::regex kNumber(
          R"([-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+)");
      const std::string& s = v->text;
      if (s == "~" || s == "null" || s == "Null" || s == "NULL") {
        v->type = ValueAst::Type::kNull;
      } else if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" ||
                 s == "FALSE") {
        v->type = ValueAst::Type::kBool;
        v->text = (s[0] == 't' || s[0] == 'T') ? "true" : "false";
      } else if (std::regex_match(s, kNumber)) {
        v->type = ValueAst::Type::kNumber;
      }
    }
    return true;
  }

  bool ParseItem(const YAML::Node& key, const YAML::Node& value, ItemAst* item) {
    item->where = LocationOf(key, file_);
    const std::string k = key.as<std::string>("");
    size_t bar = k.find('|');
    item->field = k.substr(0, bar);
    // Modifier positions: the key is one plain scalar, so offsets map to columns.
    while (bar != std::string::npos) {
      size_t next = k.find('|', bar + 1);
      item->modifiers.push_back(k.substr(bar + 1, next == std::string::npos ? next : next - bar - 1));
      SourceLocation loc = item->where;
      if (loc.column) loc.column += static_cast<uint32_t>(bar + 1);
      item->modifier_where.push_back(loc);
      bar = next;
    }
    if (value.IsMap()) {
      return Error(value, "the value of '" + k +
                              "' is a map; name nested fields with dots instead (e.g. "
                              "'requestParameters.bucketName')");
    }
    if (value.IsSequence()) {
      if (value.size() == 0) return Error(value, "empty list of values for '" + k + "'");
      if (value.size() > kMaxValuesPerItem) {
        return Error(value, "'" + k + "' has " + std::to_string(value.size()) +
                                " values, more than the limit of " + std::to_string(kMaxValuesPerItem));
      }
      for (const auto& e : value) {
        ValueAst v;
        if (!ParseValue(e, &v)) return false;
        item->values.push_back(std::move(v));
      }
      return true;
    }
    ValueAst v;
    if (!ParseValue(value, &v)) return false;
    item->values.push_back(std::move(v));
    return true;
  }

  bool ParseMapAlternative(const YAML::Node& map, std::vector<ItemAst>* items) {
    if (map.size() == 0) return Error(map, "empty map in a search identifier");
    for (const auto& kv : map) {
      if (++items_ > kMaxItemsPerIdentifier) {
        return Error(kv.first, "search identifier has more than " +
                                   std::to_string(kMaxItemsPerIdentifier) + " field entries");
      }
      ItemAst item;
      if (!ParseItem(kv.first, kv.second, &item)) return false;
      items->push_back(std::move(item));
    }
    return true;
  }

  bool ParseSearchId(const std::string& name, const YAML::Node& key, const YAML::Node& node,
                     SearchIdAst* id) {
    id->name = name;
    id->where = LocationOf(key, file_);
    items_ = 0;
    if (!node || node.IsNull()) return Error(key, "search identifier '" + name + "' is empty");
    if (node.IsMap()) {
      id->alternatives.emplace_back();
      return ParseMapAlternative(node, &id->alternatives.back());
    }
    if (node.IsScalar()) {  // a single keyword
      ItemAst item;
      item.where = id->where;
      ValueAst v;
      ParseValue(node, &v);
      item.values.push_back(v);
      id->alternatives.push_back({std::move(item)});
      return true;
    }
    if (node.size() == 0) return Error(node, "search identifier '" + name + "' is an empty list");
    bool maps = false, scalars = false;
    for (const auto& e : node) (e.IsMap() ? maps : scalars) = true;
    if (maps && scalars) {
      return Error(node, "search identifier '" + name +
                             "' mixes maps and plain values; split it into two identifiers");
    }
    if (maps) {
      for (const auto& e : node) {
        id->alternatives.emplace_back();
        if (!ParseMapAlternative(e, &id->alternatives.back())) return false;
      }
      return true;
    }
    ItemAst item;  // keywords: a list of values with no field
    item.where = id->where;
    if (node.size() > kMaxValuesPerItem) {
      return Error(node, "search identifier '" + name + "' has " + std::to_string(node.size()) +
                             " keywords, more than the limit of " + std::to_string(kMaxValuesPerItem));
    }
    for (const auto& e : node) {
      ValueAst v;
      if (!ParseValue(e, &v)) return false;
      item.values.push_back(std::move(v));
    }
    id->alternatives.push_back({std::move(item)});
    return true;
  }

  bool ParseConditionNode(const YAML::Node& n) {
    auto add = [&](const YAML::Node& c) {
      if (!c.IsScalar()) return Error(c, "a condition must be a string");
      ConditionAst cond;
      cond.text = c.Scalar();
      cond.where = LocationOf(c, file_);
      ConditionError err;
      if (!ParseCondition(cond.text, &cond.root, &err)) {
        diags_->push_back({Severity::kError, OffsetLocation(cond.where, cond.text, err.offset),
                           "condition: " + err.message});
        ok_ = false;
        return false;
      }
      out_->detection.conditions.push_back(std::move(cond));
      return true;
    };
    if (n.IsSequence()) {
      if (n.size() == 0) return Error(n, "empty condition list");
      for (const auto& c : n) {
        if (!add(c)) return false;
      }
      return true;
    }
    return add(n);
  }

  bool ParseDetection(const YAML::Node& det, bool filter) {
    if (!det.IsMap()) return Error(det, filter ? "'filter' must be a map" : "'detection' must be a map");
    YAML::Node condition;
    bool has_condition = false;
    if (det.size() > kMaxSearchIdentifiers + 1) {  // + the condition
      return Error(det, std::string(filter ? "filter" : "detection") + " has more than " +
                            std::to_string(kMaxSearchIdentifiers) + " search identifiers");
    }
    for (const auto& kv : det) {
      const std::string key = kv.first.as<std::string>("");
      if (key == "condition") {
        condition = kv.second;
        has_condition = true;
        continue;
      }
      if (key == "timeframe") {
        Error(kv.first,
              "'timeframe' belongs to the Sigma 1 aggregation syntax, which Sigma 2 removed; "
              "express thresholds over time as a correlation rule");
        continue;
      }
      if (filter && key == "rules") continue;
      SearchIdAst id;
      if (ParseSearchId(key, kv.first, kv.second, &id)) out_->detection.ids.push_back(std::move(id));
    }
    if (!has_condition) return Error(det, filter ? "filter has no 'condition'" : "detection has no 'condition'");
    if (!ParseConditionNode(condition)) return false;
    return ok_;
  }

  bool ParseFilter(const YAML::Node& f) {
    if (!f || !f.IsMap()) return Error(f ? f : doc_.root, "'filter' must be a map");
    if (!f["rules"]) return Error(f, "filter has no 'rules' naming the rules it applies to");
    if (!StringList(f["rules"], "rules", &out_->filter_rules)) return false;
    return ParseDetection(f, /*filter=*/true);
  }

  bool ParseCorrelation(const YAML::Node& c) {
    if (!c.IsMap()) return Error(c, "'correlation' must be a map");
    CorrelationAst& corr = out_->correlation;
    ScalarString(c["type"], "type", &corr.type);
    static const std::set<std::string> kTypes = {
        "event_count", "value_count", "temporal", "temporal_ordered", "value_sum",
        "value_avg", "value_percentile", "value_median", "first_seen"};
    if (!kTypes.count(corr.type)) {
      return Error(c["type"] ? c["type"] : c, "unknown correlation type '" + corr.type + "'");
    }
    if (!c["rules"]) return Error(c, "correlation has no 'rules'");
    StringList(c["rules"], "rules", &corr.rules);
    StringList(c["group-by"], "group-by", &corr.group_by);
    ScalarString(c["timespan"], "timespan", &corr.timespan);
    static const std::regex kTimespan(R"([0-9]+[smhdwMy])");
    if (!std::regex_match(corr.timespan, kTimespan)) {
      return Error(c["timespan"] ? c["timespan"] : c,
                   "correlation 'timespan' must be a number with a unit s, m, h, d, w, M or y");
    }
    const bool temporal = corr.type == "temporal" || corr.type == "temporal_ordered";
    const YAML::Node cond = c["condition"];
    if (!temporal && !cond) return Error(c, "correlation of type " + corr.type + " needs a 'condition'");
    if (cond && cond.IsMap()) {
      static const std::set<std::string> kOps = {"gt", "gte", "lt", "lte", "eq", "neq", "field",
                                                 "percentile"};
      for (const auto& kv : cond) {
        const std::string op = kv.first.as<std::string>("");
        if (!kOps.count(op)) return Error(kv.first, "unknown correlation condition '" + op + "'");
        if (op == "field") {
          // A list of fields: their values are taken together (AND), value_count counts
          // distinct combinations.
          if (!StringList(kv.second, "field", &corr.fields)) return false;
          if (corr.fields.empty()) {
            return Error(kv.second, "correlation 'field' must be a field name or a list of them");
          }
          corr.field = corr.fields[0];
          continue;
        }
        double v = 0;
        if (!kv.second.IsScalar() || !ParseNumber(kv.second.Scalar(), &v)) {
          return Error(kv.second, "correlation condition '" + op + "' must be a number");
        }
        if (op == "percentile") {
          corr.percentile = v;
        } else {
          corr.condition.emplace_back(op, v);
        }
      }
    } else if (cond) {
      return Error(cond, "correlation 'condition' must be a map");
    }
    const bool needs_field = corr.type != "event_count" && !temporal;
    if (needs_field && corr.field.empty()) {
      return Error(cond ? cond : c, "correlation of type " + corr.type + " needs 'field' in its condition");
    }
    const bool first_seen = corr.type == "first_seen";
    if (first_seen) {
      // vigil extension: `learning` is how long the rule learns values before alerting.
      if (const YAML::Node l = c["learning"]) {
        ScalarString(l, "learning", &corr.learning);
        if (!std::regex_match(corr.learning, kTimespan)) {
          return Error(l, "first_seen 'learning' must be a number with a unit s, m, h, d, w, M or y");
        }
      }
      if (!corr.condition.empty()) {
        return Error(cond, "first_seen takes no comparison in its condition, only 'field'");
      }
    } else if (c["learning"]) {
      return Error(c["learning"], "'learning' applies to first_seen correlations only");
    }
    if (!temporal && !first_seen && corr.condition.empty()) {
      return Error(cond ? cond : c, "correlation condition needs a comparison (gt, gte, lt, lte, eq or neq)");
    }
    if (const YAML::Node a = c["aliases"]) {
      if (!a.IsMap()) return Error(a, "correlation 'aliases' must be a map");
      for (const auto& kv : a) {
        if (!kv.second.IsMap()) return Error(kv.second, "an alias must map rule names to field names");
        std::vector<std::pair<std::string, std::string>> fields;
        for (const auto& rf : kv.second) {
          if (!rf.second.IsScalar()) return Error(rf.second, "an alias must map rule names to field names");
          fields.emplace_back(rf.first.as<std::string>(""), rf.second.Scalar());
        }
        corr.aliases.emplace_back(kv.first.as<std::string>(""), std::move(fields));
      }
    }
    if (const YAML::Node g = c["generate"]; g && g.IsScalar()) corr.generate = g.Scalar() == "true";
    return ok_;
  }

  static bool ParseNumber(const std::string& text, double* out) {
    if (text.empty()) return false;
    char* end = nullptr;
    *out = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size();
  }

  const YamlDocument& doc_;
  RuleAst* out_;
  std::vector<Diagnostic>* diags_;
  std::string file_;
  bool ok_ = true;
  size_t items_ = 0;  // field entries of the search identifier being parsed
};

}  // namespace

SourceLocation OffsetLocation(const SourceLocation& scalar, const std::string& text,
                              size_t offset) {
  SourceLocation loc = scalar;
  if (loc.column && text.find('\n') == std::string::npos) {
    loc.column += static_cast<uint32_t>(offset);
  }
  return loc;
}

bool ParseRuleDocument(const YamlDocument& doc, RuleAst* out,
                       std::vector<Diagnostic>* diagnostics) {
  DocParser p(doc, out, diagnostics);
  return p.Parse();
}

}  // namespace vigil::internal
