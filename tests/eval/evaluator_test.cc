// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Scanner behaviour that the engine-independent cases do not cover: logsource
// filtering, malformed events, reuse of one Scanner across many events, and results
// that stay correct when scanners share one RuleSet from several threads.

#include <gtest/gtest.h>

#include <thread>

#include "eval/evaluator.h"
#include "vigil/vigil.h"

namespace vigil {
namespace {

std::shared_ptr<const RuleSet> Build(const std::string& yaml) {
  RuleSetBuilder b;
  b.AddYaml(yaml);
  EXPECT_FALSE(b.has_errors());
  return b.Build();
}

std::vector<std::string> Titles(Scanner& s, const std::string& json, EventKind kind = EventKind::kAuto,
                                Envelope env = Envelope::kNone) {
  std::vector<Match> out;
  Status st = s.Match(json, &out, kind, env);
  std::vector<std::string> t;
  if (!st.ok()) t.push_back("ERROR: " + st.message());
  for (const auto& m : out) t.push_back(m.rule->title);
  return t;
}

const char* kRules = R"(title: ct
logsource: {product: aws, service: cloudtrail}
detection: {s: {eventName: StopLogging}, condition: s}
---
title: win
logsource: {product: windows, category: process_creation}
detection: {s: {eventName: StopLogging}, condition: s}
---
title: none
detection: {s: {eventName: StopLogging}, condition: s}
)";

TEST(EvaluatorTest, CloudTrailEventsMeetOnlyCloudTrailRules) {
  Scanner s(Build(kRules));
  const std::string ct = R"({"eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","eventTime":"2024-01-01T00:00:00Z"})";
  EXPECT_EQ(Titles(s, ct), (std::vector<std::string>{"ct", "none"}));
  // The same text from a Records file is CloudTrail even without the telltale keys.
  EXPECT_EQ(Titles(s, R"({"eventName":"StopLogging"})", EventKind::kAuto, Envelope::kRecords),
            (std::vector<std::string>{"ct", "none"}));
  // A generic event (no CloudTrail shape) is matched by every rule.
  EXPECT_EQ(Titles(s, R"({"eventName":"StopLogging"})"), (std::vector<std::string>{"ct", "win", "none"}));
  EXPECT_EQ(Titles(s, ct, EventKind::kAny), (std::vector<std::string>{"ct", "win", "none"}));
  EXPECT_EQ(Titles(s, R"({"eventName":"StopLogging"})", EventKind::kCloudTrail),
            (std::vector<std::string>{"ct", "none"}));
}

TEST(EvaluatorTest, MalformedEventsAreErrorsAndTheScannerRecovers) {
  Scanner s(Build(kRules));
  EXPECT_EQ(Titles(s, R"({"eventName":"StopLogging")").size(), 1u);
  EXPECT_EQ(Titles(s, R"({"eventName":"StopLogging")")[0].rfind("ERROR: invalid JSON", 0), 0u);
  EXPECT_EQ(Titles(s, R"([1,2])"), std::vector<std::string>{"ERROR: event is not a JSON object"});
  ASSERT_EQ(Titles(s, "").size(), 1u);
  EXPECT_EQ(Titles(s, "")[0].rfind("ERROR:", 0), 0u);
  EXPECT_EQ(Titles(s, R"({"eventName":"StopLogging"})", EventKind::kAny).size(), 3u);
}

// Found by fuzz/fuzz_matcher: On-Demand stops at the event's closing brace, so text after
// it went unnoticed and the event matched. Whitespace after it is fine.
TEST(EvaluatorTest, TextAfterTheEventObjectIsAnError) {
  Scanner s(Build(kRules));
  EXPECT_EQ(Titles(s, R"({"eventName":"StopLogging"}{"eventName":"StopLogging"})"),
            std::vector<std::string>{"ERROR: invalid JSON: text after the event object"});
  // simdjson itself words these (a stray scalar or closing brace after the object).
  for (const char* json : {R"({"eventName":"StopLogging"} 5)", R"({"eventName":"StopLogging"}})"}) {
    const std::vector<std::string> t = Titles(s, json);
    ASSERT_EQ(t.size(), 1u) << json;
    EXPECT_EQ(t[0].rfind("ERROR: invalid JSON", 0), 0u) << t[0];
  }
  EXPECT_EQ(Titles(s, "{\"eventName\":\"StopLogging\"} \r\n\t", EventKind::kAny),
            (std::vector<std::string>{"ct", "win", "none"}));
}

TEST(EvaluatorTest, DeepNestingIsAnErrorNotACrash) {
  Scanner s(Build(R"(title: deep
detection: {s: {a.b: 1}, condition: s}
)"));
  std::string deep = "{\"a\":";
  for (int i = 0; i < 5000; ++i) deep += "[";
  for (int i = 0; i < 5000; ++i) deep += "]";
  deep += "}";
  EXPECT_EQ(Titles(s, deep),
            std::vector<std::string>{"ERROR: event nested deeper than 128 levels (objects and arrays)"});
  EXPECT_EQ(Titles(s, R"({"a":{"b":1}})"), std::vector<std::string>{"deep"});
}

// kMaxEventDepth counts levels below the top-level object: {"a": [ ... ]} with the
// array at level 1. Exactly the limit is read; one more is the error.
std::string Nested(int levels) {
  std::string json = "{\"a\":";
  for (int i = 1; i < levels; ++i) json += "[";
  json += "{\"b\":1}";
  for (int i = 1; i < levels; ++i) json += "]";
  return json + "}";
}

TEST(EvaluatorTest, EventDepthLimitIsExact) {
  Scanner s(Build(R"(title: deep
detection: {s: {a.b: 1}, condition: s}
)"));
  // The innermost value `1` is at level `levels + 1`.
  EXPECT_EQ(Titles(s, Nested(127)), std::vector<std::string>{"deep"});
  EXPECT_EQ(Titles(s, Nested(128)),
            std::vector<std::string>{"ERROR: event nested deeper than 128 levels (objects and arrays)"});
  // 10,000 levels of arrays in a field some rule reads: a bad event with its reason.
  std::string deep = "{\"a\":" + std::string(10000, '[') + std::string(10000, ']') + "}";
  EXPECT_EQ(Titles(s, deep),
            std::vector<std::string>{"ERROR: event nested deeper than 128 levels (objects and arrays)"});
  // In a field no rule reads, simdjson skips it without recursion, but an event that
  // matches is checked whole before it is reported (it is output as JSON): too deep.
  std::string skipped = "{\"x\":" + std::string(10000, '[') + std::string(10000, ']') + ",\"a\":{\"b\":1}}";
  EXPECT_EQ(Titles(s, skipped),
            std::vector<std::string>{"ERROR: invalid JSON at byte 1028 of the event: JSON nested too deeply"});
  std::string skipped_ok = "{\"x\":" + std::string(1000, '[') + std::string(1000, ']') + ",\"a\":{\"b\":1}}";
  EXPECT_EQ(Titles(s, skipped_ok), std::vector<std::string>{"deep"});
  // A keyword rule reads every string, so when the event's text holds one of its
  // literals the keyword walk descends everywhere; without one, the prefilter skips the
  // walk (no keyword can hold) and the event is a plain non-match.
  Scanner k(Build(R"(title: kw
detection: {s: [needle], condition: s}
)"));
  EXPECT_EQ(Titles(k, skipped), std::vector<std::string>{});
  std::string deep_needle = "{\"x\":" + std::string(10000, '[') + "\"needle\"" + std::string(10000, ']') + "}";
  EXPECT_EQ(Titles(k, deep_needle),
            std::vector<std::string>{"ERROR: event nested deeper than 128 levels (objects and arrays)"});
  EXPECT_EQ(Titles(k, R"({"x":[[["needle"]]]})"), std::vector<std::string>{"kw"});
}

// A ReDoS rule on a crafted value: the search stops at the PCRE2 match limit, counts
// as no match and is counted; the other rules (and another regex) on the same event
// are unaffected.
TEST(EvaluatorTest, CatastrophicRegexIsCountedAndOtherRulesStillMatch) {
  Scanner s(Build(R"(title: redos
detection: {s: {userAgent|re: '(a+)+$'}, condition: s}
---
title: prefix
detection: {s: {userAgent|re: '^a{10}'}, condition: s}
---
title: name
detection: {s: {eventName: GetObject}, condition: s}
)"));
  const std::string crafted =
      R"({"eventName":"GetObject","userAgent":")" + std::string(100000, 'a') + R"(!"})";
  EXPECT_EQ(s.regex_limit_hits(), 0u);
  EXPECT_EQ(Titles(s, crafted), (std::vector<std::string>{"prefix", "name"}));
  EXPECT_EQ(s.regex_limit_hits(), 1u);
  EXPECT_EQ(Titles(s, R"({"eventName":"GetObject","userAgent":"aaaaaaaaaaaa"})"),
            (std::vector<std::string>{"redos", "prefix", "name"}));
  EXPECT_EQ(s.regex_limit_hits(), 1u);
  EXPECT_EQ(Titles(s, crafted), (std::vector<std::string>{"prefix", "name"}));
  EXPECT_EQ(s.regex_limit_hits(), 2u);
}

// Regex and wildcard outcomes are remembered per value across events (value_memo.h):
// a value seen again gets the same answer, a different value its own, and a search
// stopped by a limit is not remembered, so it is counted each time it happens.
TEST(EvaluatorTest, RememberedOutcomesAreExactAndLimitHitsAreCountedEachTime) {
  Scanner s(Build(R"(title: redos
detection: {s: {userAgent|re: '(a+)+$'}, condition: s}
---
title: re
detection: {s: {userAgent|re: 'aws-cli/2\.\d+'}, condition: s}
---
title: glob
detection: {s: {userAgent: '*cli/2.*'}, condition: s}
)"));
  // 40 a's and a '!': far past the work budget, yet short enough to be remembered.
  const std::string crafted = R"({"userAgent":")" + std::string(40, 'a') + R"(!"})";
  for (uint64_t i = 1; i <= 3; ++i) {
    EXPECT_EQ(Titles(s, crafted), std::vector<std::string>{}) << i;
    EXPECT_EQ(s.regex_limit_hits(), i);
    EXPECT_EQ(Titles(s, R"({"userAgent":"aws-cli/2.15 Python"})"), (std::vector<std::string>{"re", "glob"})) << i;
    EXPECT_EQ(Titles(s, R"({"userAgent":"aws-cli/1.15 Python"})"), std::vector<std::string>{}) << i;
    EXPECT_EQ(Titles(s, R"({"userAgent":"AWS-CLI/2.15 Python"})"), std::vector<std::string>{"glob"}) << i;
    EXPECT_EQ(Titles(s, R"({"userAgent":"aaaa"})"), std::vector<std::string>{"redos"}) << i;
  }
  EXPECT_EQ(s.regex_limit_hits(), 3u);
}

TEST(EvaluatorTest, ResultsDoNotLeakBetweenEvents) {
  Scanner s(Build(R"(title: both
detection:
  a: {eventName: A}
  b: {errorCode: null}
  condition: a and b
)"));
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(Titles(s, R"({"eventName":"A","errorCode":"AccessDenied"})").size(), 0u);
    EXPECT_EQ(Titles(s, R"({"eventName":"A"})"), std::vector<std::string>{"both"});
    EXPECT_EQ(Titles(s, R"({"eventName":"B"})").size(), 0u);
  }
}

TEST(EvaluatorTest, DuplicateKeysAreReadFirstWinsAndLastWins) {
  // JSON leaves duplicate keys to the reader, and readers disagree (first wins, last
  // wins). vigil matches what either reading matches (util/duplicate_keys.h), so a
  // value cannot be hidden from a rule, nor a filter fed, by a second key of the same
  // name. (It used to see every occurrence at once: then `not A` failed on
  // {"eventName":"A","eventName":"B"} although last-wins parsers see only B.)
  Scanner s(Build(R"(title: is A
detection: {s: {eventName: A}, condition: s}
---
title: is B
detection: {s: {eventName: B}, condition: s}
---
title: A and B
detection: {a: {eventName: A}, b: {eventName: B}, condition: a and b}
---
title: not A
detection: {s: {eventName: A}, condition: not s}
---
title: nested A
detection: {s: {userIdentity.type: A}, condition: s}
)"));
  const std::vector<std::string> either = {"is A", "is B", "not A"};
  EXPECT_EQ(Titles(s, R"({"eventName":"A","eventName":"B"})", EventKind::kAny), either);
  EXPECT_EQ(Titles(s, R"({"eventName":"B","eventName":"A"})", EventKind::kAny), either);
  const std::vector<std::string> nested = {"not A", "nested A"};
  EXPECT_EQ(Titles(s, R"({"userIdentity":{"type":"A"},"userIdentity":{"type":"B"}})", EventKind::kAny), nested);
  EXPECT_EQ(Titles(s, R"({"userIdentity":{"type":"B"},"userIdentity":{"type":"A"}})", EventKind::kAny), nested);
}

TEST(EvaluatorTest, ScannersShareOneRuleSetAcrossThreads) {
  auto rs = Build(R"(title: sg
detection:
  s:
    eventName: AuthorizeSecurityGroupIngress
    requestParameters.ipPermissions.items.ipRanges.items.cidrIp: 0.0.0.0/0
  condition: s
)");
  const std::string hit = R"({"eventName":"AuthorizeSecurityGroupIngress","requestParameters":{"ipPermissions":{"items":[{"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"},{"cidrIp":"0.0.0.0/0"}]}}]}}})";
  const std::string miss = R"({"eventName":"AuthorizeSecurityGroupIngress","requestParameters":{"ipPermissions":{"items":[{"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"}]}}]}}})";
  std::vector<int> hits(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Scanner s(rs);
      std::vector<Match> out;
      for (int i = 0; i < 2000; ++i) {
        s.Match(i % 2 ? hit : miss, &out);
        hits[t] += static_cast<int>(out.size());
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int h : hits) EXPECT_EQ(h, 1000);
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

// Values far larger than any literal, with the literals at their very ends: the
// automata (which scan in vectors) and the affix tries must see the last and first
// bytes. Several literals per field so that the Vectorscan database, not the one by
// one search, is used.
TEST(EvaluatorTest, HugeValuesAreSearchedToTheirEnds) {
  std::string yaml;
  for (const char* lit : {"needle-one", "needle-two", "needle-3", "needle-4", "needle-5", "tail-marker"}) {
    yaml += std::string("title: c-") + lit + "\ndetection: {s: {v|contains: '" + lit + "'}, condition: s}\n---\n";
  }
  yaml += "title: p\ndetection: {s: {v|startswith: 'HEAD'}, condition: s}\n---\n";
  yaml += "title: s\ndetection: {s: {v|endswith: 'tail-marker'}, condition: s}\n";
  RuleSetBuilder b;
  b.AddYaml(yaml);
  ASSERT_FALSE(b.has_errors());
  Scanner scanner(b.Build());
  for (size_t size : {size_t{63}, size_t{64}, size_t{65}, size_t{4095}, size_t{1} << 20, size_t{3} << 20}) {
    std::string v = "head" + std::string(size, 'x') + "needle-3" + std::string(size % 7, 'y') + "TAIL-MARKER";
    EXPECT_EQ(Titles(scanner, "{\"v\":\"" + v + "\"}"), (std::vector<std::string>{"c-needle-3", "c-tail-marker", "p", "s"}))
        << "value of " << v.size() << " bytes";
  }
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

// The DOM walk's key cache remembers every key of an event's objects: once a CloudTrail
// event has been read, reading events with the same keys looks none up again. (It was
// direct-mapped, and eventTime and userIdentity took one slot of the top level: every
// CloudTrail event missed twice.)
TEST(EvaluatorTest, KeyCacheKeepsEveryKeyOfACloudTrailEvent) {
  RuleSetBuilder b;
  b.AddPath(std::string(VIGIL_SOURCE_DIR) + "/rules");
  ASSERT_FALSE(b.has_errors());
  Scanner s(b.Build());
  auto event = [](int i) {
    return R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE)" +
           std::to_string(i) +
           R"(","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIAEXAMPLE","userName":"alice","sessionContext":{"attributes":{"creationDate":"2026-01-01T00:00:00Z","mfaAuthenticated":"false"}}},"eventTime":"2026-01-01T00:00:0)" +
           std::to_string(i % 10) +
           R"(Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0","requestParameters":{"Host":"s3.amazonaws.com"},"responseElements":null,"additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"abc","bytesTransferredOut":512},"requestID":"R)" +
           std::to_string(i) +
           R"(","eventID":"e)" + std::to_string(i) +
           R"(","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"s3.amazonaws.com"}})";
  };
  std::vector<Match> out;
  ASSERT_TRUE(s.Match(event(0), &out).ok());
  const uint64_t first = s.evaluator().counters().key_cache_misses;
  EXPECT_GT(first, 20u);  // the DOM walk read the event, and learned its keys
  for (int i = 1; i < 50; ++i) ASSERT_TRUE(s.Match(event(i), &out).ok());
  EXPECT_EQ(s.evaluator().counters().key_cache_misses, first);
}

}  // namespace
}  // namespace vigil
