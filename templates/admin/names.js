// Domain and subdomain names as `check` compares them (factsheets/validate.py, _name_key): two names
// that differ only in capitals, spacing or accents are the same name written twice. The form uses this
// to refuse a "new" name that is an existing one misspelt; tests/test_cms.py runs it under Node.
(function (root) {
  "use strict";

  function nameKey(name) {
    var plain = name.normalize("NFKD").replace(/\p{M}/gu, "");
    // Upper then lower case: as Python's casefold, "ß" and "ss" are one ("STRASSE").
    return plain.toUpperCase().toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  }

  // The existing name that `name` is a variant of, or null when it is one of them or is truly new.
  function variantOf(name, existing) {
    if (!name || existing.indexOf(name) >= 0) return null;
    var key = nameKey(name);
    for (var i = 0; i < existing.length; i++) {
      if (nameKey(existing[i]) === key) return existing[i];
    }
    return null;
  }

  var api = { nameKey: nameKey, variantOf: variantOf };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.Names = api;
})(this);
