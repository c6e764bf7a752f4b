/* Material's search in a copy of the site opened from the file system (python build.py --offline).
 *
 * A page opened from a file may not start a worker from a file, and Material's search runs in one; Material
 * already reads the search index from search/search_index.js there (a script, which files may load). So the
 * build joins the search worker's scripts into the text __searchWorker above this comment (our worker, which
 * stems the reader's words, then Material's, then Lunr's support for the site's languages: see
 * publish.make_search_work_from_files), and here the worker is started from that text, which the browser
 * allows. Material starts one worker, its search; only the offline copy's pages load this file.
 */
"use strict";

(function () {
  var BrowsersWorker = window.Worker;
  window.Worker = function (url, options) {
    var script = new Blob([__searchWorker], { type: "text/javascript" });
    return new BrowsersWorker(URL.createObjectURL(script), options);
  };
})();
