/* app.js: progressive enhancement only; every page works without it.
 * - selects marked data-autosubmit submit their form on change;
 * - tables get a "Copy table" button that copies tab-separated text, except tables of
 *   people (data-no-copy: a worklist leaves only through its audited download). */
(function () {
	"use strict";
	document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
		s.addEventListener("change", function () { s.form.submit(); });
	});
	if (!navigator.clipboard) return;
	document.querySelectorAll("table.hg-table:not([data-no-copy])").forEach(function (t) {
		var b = document.createElement("button");
		b.type = "button";
		b.className = "hg-btn hg-btn-secondary hg-btn-small";
		b.textContent = "Copy table";
		b.addEventListener("click", function () {
			var rows = Array.prototype.map.call(t.rows, function (r) {
				return Array.prototype.map.call(r.cells, function (c) {
					return c.textContent.trim();
				}).join("\t");
			});
			navigator.clipboard.writeText(rows.join("\n")).then(function () {
				b.textContent = "Copied";
			});
		});
		t.parentNode.insertBefore(b, t);
	});
})();
