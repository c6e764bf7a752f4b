// The form editor's own parts: cards are read and written as the project writes them
// (card-yaml.js), and the preview shows a card with the site's blocks and CSS.
(function () {
  "use strict";

  var site = JSON.parse(document.getElementById("fs-site").textContent);
  var lang = site.language;
  // The form's own words in its interface language (the page's lang); the CMS's are its locale's.
  var WORDS = {
    nl: {
      choose: "Kies…",
      typeNew: "Een nieuwe naam typen…",
      newName: "Nieuwe naam",
      isNew: "Nieuw: wordt een eigen groep op de site. Kies uit de lijst als de naam al bestaat.",
      variant: "'{name}' bestaat al, op hoofdletters, spaties of accenten na: kies het uit de lijst",
      published: " (de gepubliceerde versie)",
    },
    en: {
      choose: "Choose…",
      typeNew: "Type a new name…",
      newName: "New name",
      isNew: "New: becomes a group of its own on the site. Choose from the list when the name exists.",
      variant: "'{name}' exists already, but for capitals, spaces or accents: choose it from the list",
      published: " (the published version)",
    },
  };
  var words = WORDS[document.documentElement.lang] || WORDS.en;

  CMS.registerCustomFormat("card-yaml", "yml", {
    // The core schema: "2026-01-01" stays text, as it does for the build's YAML reader.
    fromFile: function (text) {
      return jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA }) || {};
    },
    toFile: function (data, sortedKeys) {
      return CardYaml.cardYaml(data, sortedKeys || []);
    },
  });

  [site.root + "assets/css/blocks.css", site.root + "assets/css/site.css", site.scripts + "preview.css"].forEach(function (path) {
    CMS.registerPreviewStyle(new URL(path, document.baseURI).href);
  });

  function t(key) {
    return (site.labels[key] || {})[lang] || key;
  }

  function text(entry, path) {
    return entry.getIn(["data"].concat(path, [lang])) || "";
  }

  function number(entry, path) {
    var value = entry.getIn(["data"].concat(path));
    return typeof value === "number" ? value : null;
  }

  function money(meur) {
    if (meur === null) return "–";
    return "€ " + meur.toLocaleString(lang) + " " + t("million");
  }

  function section(block, children) {
    return h("section", { className: "fs-fact fs-" + block, "data-block": block }, children);
  }

  function header(entry) {
    var kind = entry.getIn(["data", "kind"]);
    return h("header", { className: "fs-header" },
      h("div", { className: "fs-header__title" },
        h("p", { className: "fs-header__kind" }, kind ? t("kind." + kind) : ""),
        h("h1", { className: "fs-header__heading" }, text(entry, ["title"])),
        h("p", { className: "fs-header__domain" }, text(entry, ["domain"]))),
      h("dl", { className: "fs-header__facts" },
        ["domain", "subdomain", "project_name"].map(function (key) {
          return h("div", { key: key }, h("dt", {}, t(key) + ":"), " ", h("dd", {}, text(entry, [key])));
        })));
  }

  function textBlock(props, key, withHeading) {
    var widgets = props.widgetsFor(key);
    var body = widgets && widgets.getIn(["widgets", lang]);
    return h("section", { className: "fs-text", key: key, "data-block": key },
      withHeading ? h("h2", { className: "fs-block-title" }, t(key)) : null, body);
  }

  function bar(className, from, to, low, high, label) {
    var cells = [];
    for (var at = from; at <= to; at++) {
      var on = low !== null && high !== null && low <= at && at <= high;
      cells.push(h("li", { key: at, className: on ? "is-on" : "is-off" }, label(at)));
    }
    return h("ol", { className: className, "aria-hidden": "true" }, cells);
  }

  function split(entry, first, second) {
    var a = number(entry, ["shares", first]) || 0;
    var b = number(entry, ["shares", second]) || 0;
    return h("div", { className: "fs-split", key: first },
      h("span", { className: "fs-split__label" }, t(first)),
      h("span", { className: "fs-split__bar" },
        h("span", { className: "fs-split__part fs-split__part--1", style: { width: a + "%" } }, a || ""),
        h("span", { className: "fs-split__part fs-split__part--2", style: { width: b + "%" } }, b || "")),
      h("span", { className: "fs-split__label" }, t(second)));
  }

  function facts(entry) {
    var start = number(entry, ["timeline", "start"]);
    var end = number(entry, ["timeline", "end"]);
    var trlMin = number(entry, ["readiness", "trl", "min"]);
    var trlMax = number(entry, ["readiness", "trl", "max"]);
    var market = entry.getIn(["data", "readiness", "market"]);
    var scaleStart = Math.min(start || site.scale[0], site.scale[0]);
    var scaleEnd = Math.max(end || site.scale[1], site.scale[1]);
    return h("div", { className: "fs-facts" },
      section("timeline", [
        h("h2", { className: "fs-block-title", key: "h" }, t("timeline")),
        h("p", { className: "fs-timeline__years", key: "y" },
          h("span", {}, t("start") + " ", h("strong", {}, start)), " ",
          h("span", {}, t("end") + " ", h("strong", {}, end))),
        h("div", { key: "b" }, bar("fs-timeline__bar", scaleStart, scaleEnd, start, end, function (year) {
          return String(year % 100).padStart(2, "0");
        })),
      ]),
      section("budget", [
        h("h2", { className: "fs-block-title", key: "h" }, t("budget")),
        h("p", { className: "fs-budget__total", key: "t" }, money(number(entry, ["budget", "total_meur"]))),
      ]),
      section("shares", [
        h("h2", { className: "fs-block-title", key: "h" }, t("shares")),
        split(entry, "capital", "rnd"),
        split(entry, "public", "private"),
      ]),
      section("readiness", [
        h("div", { className: "fs-readiness__row", key: "trl" },
          h("h2", { className: "fs-block-title" }, t("trl")),
          h("p", { className: "fs-readiness__value" }, (trlMin || "?") + " – " + (trlMax || "?")),
          bar("fs-trl", 1, 9, trlMin, trlMax, String)),
        h("div", { className: "fs-readiness__row", key: "mrl" },
          h("h2", { className: "fs-block-title" }, t("mrl")),
          h("p", { className: "fs-readiness__market" }, market ? t("market." + market) : "")),
      ]));
  }

  function preconditions(entry) {
    var marks = entry.getIn(["data", "preconditions"]);
    var groups = Object.keys(site.preconditions).map(function (group) {
      return h("div", { className: "fs-preconditions__group", key: group },
        h("h3", {}, t("group." + group)),
        h("ul", {}, site.preconditions[group].map(function (key) {
          var mark = (marks && marks.get(key)) || "not_assessed";
          return h("li", { key: key, className: "fs-precondition fs-precondition--" + mark },
            h("span", { className: "fs-mark fs-mark--" + mark, title: t(mark) }), t("precondition." + key));
        })));
    });
    return h("section", { className: "fs-preconditions", "data-block": "preconditions" },
      h("h2", { className: "fs-block-title" }, t("preconditions")),
      h("p", { className: "fs-legend" },
        ["relevant", "less_relevant", "not_assessed"].map(function (mark) {
          return h("span", { key: mark }, h("span", { className: "fs-mark fs-mark--" + mark }), t(mark));
        })),
      h("div", { className: "fs-preconditions__groups" }, groups));
  }

  function organisations(entry) {
    var listed = entry.getIn(["data", "organisations"]); // none yet on a new card
    var items = listed ? listed.toJS() : [];
    return h("section", { className: "fs-fact fs-organisations", "data-block": "organisations" },
      h("h2", { className: "fs-block-title" }, t("organisations")),
      items.length
        ? h("ul", { className: "fs-organisations__list" }, items.map(function (org, at) {
            var role = org.role && org.role[lang];
            return h("li", { key: at }, org.name || "",
              role ? h("span", { className: "fs-organisations__role" }, " (" + role + ")") : null);
          }))
        : h("p", { className: "fs-empty" }, t("none_listed")));
  }

  function links(entry) {
    var id = entry.getIn(["data", "id"]);
    if (!id) return null;
    var page = new URL(site.page.replace("{id}", id), document.baseURI).href;
    var pdf = new URL(site.pdf.replace("{id}", id), document.baseURI).href;
    return h("p", { className: "fs-preview-links" },
      h("a", { href: page, target: "_blank", rel: "noopener" }, t("web_link") + ": " + t("card")), " · ",
      h("a", { href: pdf, target: "_blank", rel: "noopener" }, t("pdf_link")),
      h("span", { className: "fs-preview-note" }, words.published));
  }

  var CardPreview = createClass({
    render: function () {
      var entry = this.props.entry;
      var props = this.props;
      return h("div", { className: "md-typeset fs-preview" },
        links(entry),
        h("article", { className: "fs-sheet", lang: lang },
          header(entry),
          h("div", { className: "fs-columns" },
            h("div", { className: "fs-column fs-column--text" },
              textBlock(props, "summary", false),
              textBlock(props, "relevance", true),
              textBlock(props, "dutch_partnerships", true),
              textBlock(props, "european_partnerships", true)),
            h("div", { className: "fs-column fs-column--facts" },
              facts(entry), preconditions(entry), organisations(entry)))));
    },
  });

  CMS.registerPreviewTemplate("cards", CardPreview);

  // --- domain and subdomain: one of the names the cards already have, or a new one typed on purpose ---

  var TYPE_NEW = "\u0000new"; // the choice "type a new name", never a name itself

  function valueAt(data, path) {
    return path.split(".").reduce(function (value, key) {
      return value && typeof value === "object" ? value[key] : undefined;
    }, data);
  }

  function existingNames(hits, path) {
    var names = [];
    hits.forEach(function (hit) {
      var name = valueAt(hit.data, path);
      if (typeof name === "string" && name && names.indexOf(name) < 0) names.push(name);
    });
    return names.sort(function (a, b) {
      return a.localeCompare(b, lang);
    });
  }

  var ExistingOrNew = createClass({
    getInitialState: function () {
      return { names: null, typing: false };
    },
    componentDidMount: function () {
      var self = this;
      var field = this.props.field;
      var path = field.get("value_field");
      this.mounted = true;
      var found = function (hits) {
        if (self.mounted) self.setState({ names: existingNames(hits, path) });
      };
      // Without the other cards (a failed search), the name can still be typed; check compares it later.
      this.props.query(this.props.forID, field.get("collection"), [path], "").then(
        function (result) {
          found(result.payload.hits || []);
        },
        function () {
          found([]);
        });
    },
    componentWillUnmount: function () {
      this.mounted = false;
    },
    variant: function () {
      return Names.variantOf(this.props.value || "", this.state.names || []);
    },
    // Asked when the editor saves: a misspelt existing name would make a second group on the site.
    isValid: function () {
      var variant = this.variant();
      return variant ? { error: { type: "CUSTOM", message: words.variant.replace("{name}", variant) } } : true;
    },
    isTyping: function () {
      var value = this.props.value || "";
      var names = this.state.names;
      return this.state.typing || (names !== null && value !== "" && names.indexOf(value) < 0);
    },
    choose: function (event) {
      var chosen = event.target.value;
      this.setState({ typing: chosen === TYPE_NEW });
      this.props.onChange(chosen === TYPE_NEW ? "" : chosen);
    },
    render: function () {
      var props = this.props;
      var value = props.value || "";
      var typing = this.isTyping();
      var names = this.state.names || (value ? [value] : []);
      var variant = typing && this.variant();
      var focus = { onFocus: props.setActiveStyle, onBlur: props.setInactiveStyle };
      var select = h("select", Object.assign({
        id: props.forID,
        className: props.classNameWrapper + " fs-choice",
        value: typing ? TYPE_NEW : value,
        onChange: this.choose,
      }, focus),
        h("option", { value: "", disabled: true }, words.choose),
        names.map(function (name) {
          return h("option", { key: name, value: name }, name);
        }),
        h("option", { value: TYPE_NEW }, words.typeNew));
      if (!typing) return select;
      var input = props.forID + "-new";
      return h("div", { className: "fs-choice-new" },
        select,
        h("label", { htmlFor: input, className: "fs-choice-new__label" }, words.newName),
        h("input", Object.assign({
          id: input,
          type: "text",
          className: props.classNameWrapper,
          value: value,
          autoFocus: this.state.typing,
          "aria-describedby": input + "-note",
          onChange: function (event) {
            props.onChange(event.target.value);
          },
        }, focus)),
        h("p", { id: input + "-note", className: variant ? "fs-choice-new__note is-variant" : "fs-choice-new__note" },
          variant ? words.variant.replace("{name}", variant) : words.isNew));
    },
  });

  CMS.registerWidget("existing-or-new", ExistingOrNew);

  // --- a text: its languages side by side ---

  // A text is a group of one field per language (cms.py). Decap's object widget puts its fields one under the
  // other, in markup whose only class names are hashes of its styles (css-<hash>-<Component>), which change
  // with its version. This widget is that object widget, the same fields, values, checks, focus and error
  // messages, with markup of our own around the languages: a row (.fs-languages__row) of one box per
  // language (.fs-languages__text, data-language="nl"), which cms.css lays out side by side. Only render is
  // our own; it draws each field with the object control's controlFor, the one part of Decap's object widget
  // it relies on beyond the public registry (tests/test_cms.py opens and edits texts in Chromium). The Markdown
  // texts keep Decap's Markdown editor, as each language is still Decap's own field. The object's collapse
  // bar is left out: a text is short enough to stay open.
  var ObjectWidget = CMS.getWidget("object");

  class SideBySide extends ObjectWidget.control {
    render() {
      var control = this;
      var props = this.props;
      return h("div", { id: props.forID, className: props.classNameWrapper + " fs-languages" },
        h("div", { className: "fs-languages__row" },
          props.field.get("fields").map(function (field, at) {
            var code = field.get("name");
            return h("div", { key: code, className: "fs-languages__text", "data-language": code },
              control.controlFor(field, at));
          })));
    }
  }

  CMS.registerWidget("side-by-side", SideBySide, ObjectWidget.preview, ObjectWidget.schema);

  // --- the interface's other language, and the phone's first view ---

  function languageSwitch() {
    var link = document.createElement("a");
    link.className = "fs-interface-switch";
    link.href = site.switch.href;
    link.lang = link.hreflang = site.switch.code;
    link.textContent = site.switch.name;
    link.addEventListener("click", function () {
      link.href = site.switch.href + location.hash; // the same card or list, in the other language
    });
    document.body.appendChild(link);
  }

  // On a phone the form comes first: the preview covers it (cms.css) until the eye button shows it.
  // Only a first visit is decided here; the editor's own choice, which Decap keeps, is left alone.
  if (window.matchMedia("(max-width: 799px)").matches && localStorage.getItem("cms.right-pane") === null) {
    localStorage.setItem("cms.right-pane", "none");
  }

  if (site.switch) languageSwitch();

  // Opened at http://localhost:…, the form edits the working tree through decap-server (`make cms-server`)
  // instead of GitHub. Only then: the CMS would otherwise ask localhost:8081 on every load from 127.0.0.1 too.
  CMS.init({ config: location.hostname === "localhost" ? { local_backend: true } : {} });
})();
