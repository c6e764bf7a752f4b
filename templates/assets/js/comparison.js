// Sorting and filtering for the comparison table. The table is complete without
// this script; it only adds the filter form (rendered hidden in the page) and
// sort buttons in the column headers.
(function () {
  "use strict";

  function setUp(table) {
    const form = table.closest(".fs-table-wrap").previousElementSibling;
    const body = table.tBodies[0];
    const rows = Array.from(body.rows);
    if (form && form.classList.contains("fs-filters")) {
      form.hidden = false;
      form.addEventListener("change", () => filter(form, rows));
      form.addEventListener("submit", (event) => event.preventDefault());
      filter(form, rows);
    }
    Array.from(table.tHead.rows[0].cells).forEach((header, column) => {
      if (!header.dataset.sort) return;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "fs-sort";
      button.textContent = header.textContent;
      button.setAttribute("aria-label", table.dataset.sortLabel.replace("{column}", header.textContent));
      header.textContent = "";
      header.appendChild(button);
      button.addEventListener("click", () => sort(table, rows, header, column));
    });
  }

  function filter(form, rows) {
    const wanted = Object.fromEntries(new FormData(form));
    let shown = 0;
    rows.forEach((row) => {
      const level = Number(wanted.trl);
      const visible =
        (!wanted.domain || row.dataset.domain === wanted.domain) &&
        (!wanted.kind || row.dataset.kind === wanted.kind) &&
        (!wanted.market || row.dataset.market === wanted.market) &&
        (!wanted.trl || (Number(row.dataset.trlMin) <= level && level <= Number(row.dataset.trlMax)));
      row.hidden = !visible;
      shown += visible ? 1 : 0;
    });
    form.querySelector("output").textContent = form.dataset.shownTemplate
      .replace("{shown}", shown)
      .replace("{total}", rows.length);
  }

  function sort(table, rows, header, column) {
    const ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.from(header.parentElement.cells).forEach((cell) => cell.removeAttribute("aria-sort"));
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const numeric = header.dataset.sort === "number";
    const key = (row) => {
      const cell = row.cells[column];
      return numeric ? Number(cell.dataset.value) : cell.textContent.trim().toLocaleLowerCase();
    };
    const sorted = rows.slice().sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      const order = numeric ? x - y : x.localeCompare(y);
      return ascending ? order : -order;
    });
    sorted.forEach((row) => table.tBodies[0].appendChild(row));
  }

  document.querySelectorAll("table.fs-comparison").forEach(setUp);
})();
