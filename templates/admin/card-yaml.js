// How the form editor writes a card file: the same rules as factsheets/cardfile.py, so that a card
// saved in the form and a card formatted by `python build.py tidy` are the same text. Read the
// rules there; tests/test_cms.py runs this file under Node on every fixture card and compares.
(function (root) {
  "use strict";

  var SCHEMA_COMMENT = "# yaml-language-server: $schema=../schema/card.schema.json";
  var YAML_WORDS = ["true", "false", "yes", "no", "on", "off", "null", "y", "n"];
  var UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;
  var ESCAPES = { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r" };

  function isMapping(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function isGroup(value) {
    return (Array.isArray(value) && value.length > 0) || (isMapping(value) && Object.keys(value).length > 0);
  }

  function withoutEmpty(value) {
    if (Array.isArray(value)) return value.map(withoutEmpty);
    if (!isMapping(value)) return value;
    var kept = {};
    Object.keys(value).forEach(function (key) {
      var item = value[key];
      if (item !== null && item !== undefined && item !== "") kept[key] = withoutEmpty(item);
    });
    return kept;
  }

  function isPlain(text) {
    return (
      /^\p{L}/u.test(text) &&
      !UNSAFE.test(text) &&
      text.indexOf(":") < 0 &&
      text.indexOf("#") < 0 &&
      text.slice(-1) !== " " &&
      YAML_WORDS.indexOf(text.toLowerCase()) < 0
    );
  }

  function isBlock(text) {
    var lines = text.replace(/\n$/, "").split("\n");
    return (
      text.indexOf("\n") >= 0 &&
      !UNSAFE.test(text.replace(/\n/g, "")) &&
      !/^[ \n]/.test(text) &&
      !/\n\n$/.test(text) &&
      !lines.some(function (line) {
        return line !== "" && line.replace(/ /g, "") === "";
      })
    );
  }

  function quoted(text) {
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var char = text[i];
      if (ESCAPES[char]) out += ESCAPES[char];
      else if (UNSAFE.test(char)) out += "\\u" + ("000" + char.charCodeAt(0).toString(16)).slice(-4);
      else out += char;
    }
    return '"' + out + '"';
  }

  function string(text) {
    return isPlain(text) ? text : quoted(text);
  }

  function scalar(value) {
    if (value === null || value === undefined) return "null";
    if (typeof value === "boolean") return value ? "true" : "false";
    if (typeof value === "number") return String(value);
    if (Array.isArray(value)) return "[]";
    if (isMapping(value)) return "{}";
    return string(String(value));
  }

  function entry(key, value, indent) {
    var head = indent + string(String(key)) + ":";
    if (isMapping(value) && isGroup(value)) {
      return Object.keys(value).reduce(function (lines, sub) {
        return lines.concat(entry(sub, value[sub], indent + "  "));
      }, [head]);
    }
    if (Array.isArray(value) && value.length) {
      return value.reduce(function (lines, item) {
        return lines.concat(listItem(item, indent + "  "));
      }, [head]);
    }
    if (typeof value === "string" && isBlock(value)) {
      var body = value.replace(/\n$/, "").split("\n").map(function (line) {
        return line ? indent + "  " + line : "";
      });
      return [head + " " + (/\n$/.test(value) ? "|" : "|-")].concat(body);
    }
    return [head + " " + scalar(value)];
  }

  function listItem(value, indent) {
    var lines;
    if (isMapping(value) && isGroup(value)) {
      lines = Object.keys(value).reduce(function (all, key) {
        return all.concat(entry(key, value[key], indent + "  "));
      }, []);
    } else if (Array.isArray(value) && value.length) {
      lines = value.reduce(function (all, item) {
        return all.concat(listItem(item, indent + "  "));
      }, []);
    } else {
      return [indent + "- " + scalar(value)];
    }
    return [indent + "- " + lines[0].replace(/^ +/, "")].concat(lines.slice(1));
  }

  // The text of a card file: `fieldOrder` is the card's fields in the model's order.
  function cardYaml(data, fieldOrder) {
    var fields = withoutEmpty(data);
    var rank = function (key) {
      var at = fieldOrder.indexOf(key);
      return at < 0 ? fieldOrder.length : at;
    };
    var keys = Object.keys(fields).sort(function (a, b) {
      return rank(a) - rank(b);
    });
    var lines = [SCHEMA_COMMENT, ""];
    keys.forEach(function (key) {
      if (isGroup(fields[key]) && lines[lines.length - 1] !== "") lines.push("");
      lines = lines.concat(entry(key, fields[key], ""));
    });
    return lines.join("\n") + "\n";
  }

  var api = { cardYaml: cardYaml };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.CardYaml = api;
})(this);
