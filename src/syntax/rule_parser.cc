// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// YAML document -> RuleAst: rule attributes, search identifiers, conditions, filters
// and correlations. Tested by tests/syntax/rule_parser_test.cc.

#include <algorithm>
#include <cstdlib>
#include <regex>
#include <set>
#include <string_view>

#include "syntax/rule_ast.h"

namespace vigil::internal {
namespace {

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsOctalDigit(char c) { return c >= '0' && c <= '7'; }

// 0x1F, 0o17: the YAML 1.2 core schema's other integers.
bool IsPrefixedInteger(std::string_view s, std::string_view prefix, bool (*digit)(char)) {
  return s.size() > prefix.size() && s.substr(0, prefix.size()) == prefix &&
         std::all_of(s.begin() + static_cast<std::ptrdiff_t>(prefix.size()), s.end(), digit);
}

class DocParser {
 public:
  DocParser(const YamlDocument& doc, RuleAst* out, std::vector<Diagnostic>* diags)
      : doc_(doc), out_(out), diags_(diags), file_(doc.where.file) {}

  bool Parse() {
    const YamlNode& root = doc_.root;
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
        const YamlNode det = root["detection"];
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
  bool Error(const YamlNode& at, std::string message) {
    diags_->push_back({Severity::kError, LocationOf(at, file_), std::move(message)});
    ok_ = false;
    return false;
  }
  void Warn(const YamlNode& at, std::string message) {
    diags_->push_back({Severity::kWarning, LocationOf(at, file_), std::move(message)});
  }

  bool ScalarString(const YamlNode& n, const char* what, std::string* out) {
    if (!n || n.IsNull()) return true;
    if (!n.IsScalar()) return Error(n, std::string("'") + what + "' must be a string");
    *out = n.Scalar();
    return true;
  }

  // A string or a list of strings; `where`, when given, gets each one's position.
  bool StringList(const YamlNode& n, const char* what, std::vector<std::string>* out,
                  std::vector<SourceLocation>* where = nullptr) {
    if (!n || n.IsNull()) return true;
    if (n.IsScalar()) {
      out->emplace_back(n.Scalar());
      if (where) where->push_back(LocationOf(n, file_));
      return true;
    }
    if (!n.IsSequence()) return Error(n, std::string("'") + what + "' must be a list of strings");
    for (const YamlNode e : n.Elements()) {
      if (!e.IsScalar()) return Error(e, std::string("'") + what + "' must be a list of strings");
      out->emplace_back(e.Scalar());
      if (where) where->push_back(LocationOf(e, file_));
    }
    return true;
  }

  void ParseAttributes(const YamlNode& root) {
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
    if (const YamlNode a = root["author"]; a && a.IsSequence()) {
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
    if (const YamlNode rel = root["related"]; rel && !rel.IsNull()) {
      if (!rel.IsSequence()) {
        Error(rel, "'related' must be a list of {id, type}");
      } else {
        for (const YamlNode r : rel.Elements()) {
          RelatedRule rr;
          if (r.IsMap()) {
            ScalarString(r["id"], "related id", &rr.id);
            ScalarString(r["type"], "related type", &rr.type);
          }
          info.related.push_back(rr);
        }
      }
    }
    if (const YamlNode ls = root["logsource"]; ls && !ls.IsNull()) {
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
    for (const auto& [k, v] : root.Entries()) {
      std::string key(KeyText(k));
      if (!kKnown.count(key)) info.custom[std::move(key)] = YamlToJson(v);
    }
  }

  bool ParseValue(const YamlNode& n, ValueAst* v) {
    v->where = LocationOf(n, file_);
    if (!n || n.IsNull()) {
      v->type = ValueAst::Type::kNull;
      return true;
    }
    if (!n.IsScalar())
      return Error(n, "a value must be a scalar (string, number, boolean or null)");
    v->text = n.Scalar();
    v->type = ValueAst::Type::kString;
    if (IsPlainScalar(n)) {  // (plain null-like scalars are null nodes, above)
      const std::string& s = v->text;
      if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" ||
          s == "FALSE") {
        v->type = ValueAst::Type::kBool;
        v->text = (s[0] == 't' || s[0] == 'T') ? "true" : "false";
      } else if (IsYamlDecimal(s) || IsPrefixedInteger(s, "0x", IsHexDigit) ||
                 IsPrefixedInteger(s, "0o", IsOctalDigit)) {
        v->type = ValueAst::Type::kNumber;
      }
    }
    return true;
  }

  bool ParseItem(const YamlNode& key, const YamlNode& value, ItemAst* item) {
    item->where = LocationOf(key, file_);
    const std::string k(KeyText(key));
    size_t bar = k.find('|');
    item->field = k.substr(0, bar);
    // Modifier positions: the key is one plain scalar, so offsets map to columns.
    while (bar != std::string::npos) {
      size_t next = k.find('|', bar + 1);
      item->modifiers.push_back(
          k.substr(bar + 1, next == std::string::npos ? next : next - bar - 1));
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
      if (value.size() == 0) {
        // pySigma reads `field: []` as null (the field is absent); the specification says
        // nothing of empty lists. With modifiers there is nothing for them to apply to.
        if (!item->modifiers.empty()) {
          return Error(value, "empty list of values for '" + k +
                                  "': modifiers need a value (without modifiers, [] means null)");
        }
        ValueAst v;
        v.type = ValueAst::Type::kNull;
        v.where = LocationOf(value, file_);
        item->values.push_back(std::move(v));
        return true;
      }
      if (value.size() > kMaxValuesPerItem) {
        return Error(value, "'" + k + "' has " + std::to_string(value.size()) +
                                " values, more than the limit of " +
                                std::to_string(kMaxValuesPerItem));
      }
      item->values.reserve(value.size());
      for (const YamlNode e : value.Elements()) {
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

  bool ParseMapAlternative(const YamlNode& map, std::vector<ItemAst>* items) {
    if (map.size() == 0) return Error(map, "empty map in a search identifier");
    for (const auto& [k, v] : map.Entries()) {
      if (++items_ > kMaxItemsPerIdentifier) {
        return Error(k, "search identifier has more than " +
                            std::to_string(kMaxItemsPerIdentifier) + " field entries");
      }
      ItemAst item;
      if (!ParseItem(k, v, &item)) return false;
      items->push_back(std::move(item));
    }
    return true;
  }

  bool ParseSearchId(const std::string& name, const YamlNode& key, const YamlNode& node,
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
    for (const YamlNode e : node.Elements()) (e.IsMap() ? maps : scalars) = true;
    if (maps && scalars) {
      return Error(node, "search identifier '" + name +
                             "' mixes maps and plain values; split it into two identifiers");
    }
    if (maps) {
      for (const YamlNode e : node.Elements()) {
        id->alternatives.emplace_back();
        if (!ParseMapAlternative(e, &id->alternatives.back())) return false;
      }
      return true;
    }
    ItemAst item;  // keywords: a list of values with no field
    item.where = id->where;
    if (node.size() > kMaxValuesPerItem) {
      return Error(node, "search identifier '" + name + "' has " + std::to_string(node.size()) +
                             " keywords, more than the limit of " +
                             std::to_string(kMaxValuesPerItem));
    }
    item.values.reserve(node.size());
    for (const YamlNode e : node.Elements()) {
      ValueAst v;
      if (!ParseValue(e, &v)) return false;
      item.values.push_back(std::move(v));
    }
    id->alternatives.push_back({std::move(item)});
    return true;
  }

  bool ParseConditionNode(const YamlNode& n) {
    auto add = [&](const YamlNode& c) {
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
      for (const YamlNode c : n.Elements()) {
        if (!add(c)) return false;
      }
      return true;
    }
    return add(n);
  }

  bool ParseDetection(const YamlNode& det, bool filter) {
    if (!det.IsMap())
      return Error(det, filter ? "'filter' must be a map" : "'detection' must be a map");
    YamlNode condition;
    bool has_condition = false;
    if (det.size() > kMaxSearchIdentifiers + 1) {  // + the condition
      return Error(det, std::string(filter ? "filter" : "detection") + " has more than " +
                            std::to_string(kMaxSearchIdentifiers) + " search identifiers");
    }
    for (const auto& [k, v] : det.Entries()) {
      const std::string key(KeyText(k));
      if (key == "condition") {
        condition = v;
        has_condition = true;
        continue;
      }
      if (key == "timeframe") {
        Error(k,
              "'timeframe' belongs to the Sigma 1 aggregation syntax, which Sigma 2 removed; "
              "express thresholds over time as a correlation rule");
        continue;
      }
      if (filter && key == "rules") continue;
      SearchIdAst id;
      if (ParseSearchId(key, k, v, &id)) out_->detection.identifiers.push_back(std::move(id));
    }
    if (!has_condition)
      return Error(det, filter ? "filter has no 'condition'" : "detection has no 'condition'");
    if (!ParseConditionNode(condition)) return false;
    return ok_;
  }

  bool ParseFilter(const YamlNode& f) {
    if (!f || !f.IsMap()) return Error(f ? f : doc_.root, "'filter' must be a map");
    if (!f["rules"]) return Error(f, "filter has no 'rules' naming the rules it applies to");
    if (!StringList(f["rules"], "rules", &out_->filter_rules)) return false;
    return ParseDetection(f, /*filter=*/true);
  }

  bool ParseCorrelation(const YamlNode& c) {
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
    StringList(c["rules"], "rules", &corr.rules, &corr.rules_where);
    StringList(c["group-by"], "group-by", &corr.group_by);
    ScalarString(c["timespan"], "timespan", &corr.timespan);
    static const std::regex kTimespan(R"([0-9]+[smhdwMy])");
    if (!std::regex_match(corr.timespan, kTimespan)) {
      return Error(c["timespan"] ? c["timespan"] : c,
                   "correlation 'timespan' must be a number with a unit s, m, h, d, w, M or y");
    }
    const bool temporal = corr.type == "temporal" || corr.type == "temporal_ordered";
    const YamlNode cond = c["condition"];
    if (!temporal && !cond)
      return Error(c, "correlation of type " + corr.type + " needs a 'condition'");
    if (cond && cond.IsMap()) {
      static const std::set<std::string> kOps = {"gt", "gte", "lt", "lte", "eq", "neq", "field",
                                                 "percentile"};
      for (const auto& [k, v] : cond.Entries()) {
        const std::string op(KeyText(k));
        if (!kOps.count(op)) return Error(k, "unknown correlation condition '" + op + "'");
        if (op == "field") {
          // A list of fields: their values are taken together (AND), value_count counts
          // distinct combinations.
          if (!StringList(v, "field", &corr.fields)) return false;
          if (corr.fields.empty()) {
            return Error(v, "correlation 'field' must be a field name or a list of them");
          }
          corr.field = corr.fields[0];
          continue;
        }
        double number = 0;
        if (!v.IsScalar() || !ParseNumber(std::string(v.Scalar()), &number)) {
          return Error(v, "correlation condition '" + op + "' must be a number");
        }
        if (op == "percentile") {
          corr.percentile = number;
        } else {
          corr.condition.emplace_back(op, number);
        }
      }
    } else if (cond) {
      return Error(cond, "correlation 'condition' must be a map");
    }
    const bool needs_field = corr.type != "event_count" && !temporal;
    if (needs_field && corr.field.empty()) {
      return Error(cond ? cond : c,
                   "correlation of type " + corr.type + " needs 'field' in its condition");
    }
    const bool first_seen = corr.type == "first_seen";
    if (first_seen) {
      // vigil extension: `learning` is how long the rule learns values before alerting.
      if (const YamlNode l = c["learning"]) {
        ScalarString(l, "learning", &corr.learning);
        if (!std::regex_match(corr.learning, kTimespan)) {
          return Error(l,
                       "first_seen 'learning' must be a number with a unit s, m, h, d, w, M or y");
        }
      }
      if (!corr.condition.empty()) {
        return Error(cond, "first_seen takes no comparison in its condition, only 'field'");
      }
    } else if (c["learning"]) {
      return Error(c["learning"], "'learning' applies to first_seen correlations only");
    }
    if (!temporal && !first_seen && corr.condition.empty()) {
      return Error(cond ? cond : c,
                   "correlation condition needs a comparison (gt, gte, lt, lte, eq or neq)");
    }
    if (const YamlNode a = c["aliases"]) {
      if (!a.IsMap()) return Error(a, "correlation 'aliases' must be a map");
      for (const auto& [name, map] : a.Entries()) {
        if (!map.IsMap()) return Error(map, "an alias must map rule names to field names");
        std::vector<std::pair<std::string, std::string>> fields;
        for (const auto& [rule, field] : map.Entries()) {
          if (!field.IsScalar()) return Error(field, "an alias must map rule names to field names");
          fields.emplace_back(KeyText(rule), field.Scalar());
        }
        corr.aliases.emplace_back(KeyText(name), std::move(fields));
      }
    }
    if (const YamlNode g = c["generate"]; g && g.IsScalar()) corr.generate = g.Scalar() == "true";
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
