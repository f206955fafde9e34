// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The field catalogue of a CloudTrail record, for `vigil check`: which dotted paths a
// rule may name, and the closest real one when it names another.
//
// Source: the AWS CloudTrail User Guide pages "CloudTrail record contents" and "The
// userIdentity element" (summarised in ../shared/design/cloudtrail-format.md), plus
// the fields seen in the real records of ../shared/data. Parts of the record whose
// content depends on the API called are free-form: any path below them is accepted.

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "util/strings.h"
#include "vigil/lint.h"

namespace vigil {
namespace {

// Every known path. A trailing ".*" marks a free-form subtree.
const std::vector<std::string>& Catalogue() {
  static const std::vector<std::string> k = {
      "eventVersion",
      "eventTime",
      "eventSource",
      "eventName",
      "awsRegion",
      "sourceIPAddress",
      "userAgent",
      "errorCode",
      "errorMessage",
      "requestID",
      "eventID",
      "eventType",
      "apiVersion",
      "readOnly",
      "recipientAccountId",
      "sharedEventID",
      "vpcEndpointId",
      "vpcEndpointAccountId",
      "managementEvent",
      "eventCategory",
      "sessionCredentialFromConsole",
      "requestParameters.*",
      "responseElements.*",
      "additionalEventData.*",
      "serviceEventDetails.*",
      "edgeDeviceDetails.*",
      "insightDetails.*",
      "eventContext.*",
      "resources",
      "resources.ARN",
      "resources.accountId",
      "resources.type",
      "addendum",
      "addendum.reason",
      "addendum.updatedFields",
      "addendum.originalRequestID",
      "addendum.originalEventID",
      "tlsDetails",
      "tlsDetails.tlsVersion",
      "tlsDetails.cipherSuite",
      "tlsDetails.clientProvidedHostHeader",
      "userIdentity",
      "userIdentity.type",
      "userIdentity.principalId",
      "userIdentity.arn",
      "userIdentity.accountId",
      "userIdentity.accessKeyId",
      "userIdentity.userName",
      "userIdentity.invokedBy",
      "userIdentity.identityProvider",
      "userIdentity.credentialId",
      "userIdentity.onBehalfOf.*",
      "userIdentity.inScopeOf.*",
      "userIdentity.sessionContext",
      "userIdentity.sessionContext.sourceIdentity",
      "userIdentity.sessionContext.ec2RoleDelivery",
      "userIdentity.sessionContext.ec2IssuedInVPC",
      "userIdentity.sessionContext.assumedRoot",
      "userIdentity.sessionContext.attributes",
      "userIdentity.sessionContext.attributes.creationDate",
      "userIdentity.sessionContext.attributes.mfaAuthenticated",
      "userIdentity.sessionContext.sessionIssuer",
      "userIdentity.sessionContext.sessionIssuer.type",
      "userIdentity.sessionContext.sessionIssuer.principalId",
      "userIdentity.sessionContext.sessionIssuer.arn",
      "userIdentity.sessionContext.sessionIssuer.accountId",
      "userIdentity.sessionContext.sessionIssuer.userName",
      "userIdentity.sessionContext.webIdFederationData",
      "userIdentity.sessionContext.webIdFederationData.federatedProvider",
      "userIdentity.sessionContext.webIdFederationData.attributes.*",
  };
  return k;
}

std::string Lower(std::string_view s) {
  std::string out;
  internal::AsciiLowerInto(s, &out);
  return out;
}

}  // namespace

std::string SuggestCloudTrailField(const std::string& path, bool* known) {
  *known = false;
  // Exact: a listed path, an intermediate object of one, or anything under a free root.
  for (const auto& c : Catalogue()) {
    const bool free = c.size() > 2 && c.compare(c.size() - 2, 2, ".*") == 0;
    const std::string base = free ? c.substr(0, c.size() - 2) : c;
    if (path == base) *known = true;
    if (free && path.size() > base.size() && path.compare(0, base.size(), base) == 0 &&
        path[base.size()] == '.') {
      *known = true;
    }
    if (!free && base.size() > path.size() && base.compare(0, path.size(), path) == 0 &&
        base[path.size()] == '.') {
      *known = true;  // an intermediate object, matched as JSON text
    }
  }
  if (*known) return "";
  // Closest: the same path in another case, the same free root in another case, or
  // the listed path at the smallest edit distance (a few typos at most).
  const std::string lp = Lower(path);
  std::string best;
  size_t best_d = std::max<size_t>(2, path.size() / 6) + 1;
  for (const auto& c : Catalogue()) {
    const bool free = c.size() > 2 && c.compare(c.size() - 2, 2, ".*") == 0;
    const std::string base = free ? c.substr(0, c.size() - 2) : c;
    const std::string lb = Lower(base);
    if (lp == lb) return base;
    if (free && lp.size() > lb.size() && lp.compare(0, lb.size(), lb) == 0 &&
        lp[lb.size()] == '.') {
      return base + path.substr(base.size());
    }
    // Compare with the same number of segments when the candidate is free-form.
    std::string subject = path;
    if (free) {
      const size_t dot = path.find('.');
      subject = path.substr(0, dot);
    }
    const size_t d = internal::EditDistance(Lower(subject), lb);
    if (d < best_d) {
      best_d = d;
      best = free && subject.size() < path.size() ? base + path.substr(subject.size()) : base;
    }
  }
  return best;
}

}  // namespace vigil
