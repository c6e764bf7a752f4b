/* Material for MkDocs' search worker, with the reader's words stemmed in the page's language.
 *
 * Each language has a search index of its own pages, naming that language alone (publish.split_search_index),
 * so Material's worker loads that language's Lunr support (lunr.nl: Dutch stemmer and stop words) and leaves
 * out its stop words when it indexes. Material looks every typed word up as a prefix ("netwerken*"), which
 * passes the word by the stemmer: here each finished or typed word is cut to its stem first ("netwerk"), so
 * that "netwerken" finds "netwerk" and "laboratory" finds "laboratories". Stop words between other words are
 * left out, the last word is kept (the reader may still be typing it). Words with Lunr's operators are left
 * as they are. Material's worker is loaded here, from beside this file, after this listener: it runs first.
 */
"use strict";

var SETUP = 0;
var QUERY = 2;
var language = "en";

function stemmerOf(code) {
  var lunr = self.lunr;
  if (code === "en") return { stem: lunr.stemmer, isStopWord: isStopWordFor(lunr.stopWordFilter) };
  var support = lunr[code];
  return support ? { stem: support.stemmer, isStopWord: isStopWordFor(support.stopWordFilter) } : null;
}

function isStopWordFor(filter) {
  return function (token) {
    return !filter(token);
  };
}

function stemmed(query) {
  var tools = stemmerOf(language);
  if (!tools) return query;
  var words = query.trim().split(/\s+/);
  return words
    .map(function (word, position) {
      if (!/^[\p{L}\p{N}]+$/u.test(word)) return word;
      var token = new self.lunr.Token(word.toLowerCase(), {});
      if (position < words.length - 1 && tools.isStopWord(token)) return "";
      return tools.stem(token).toString();
    })
    .filter(Boolean)
    .join(" ");
}

addEventListener("message", function (event) {
  var message = event.data;
  if (message.type === SETUP) language = message.data.config.lang[0];
  else if (message.type === QUERY && typeof message.data === "string") message.data = stemmed(message.data);
});

importScripts(new URL(self.location.href).searchParams.get("material"));
