// httpstatus: search as you type, keyboard navigation, copy buttons and the "Try it" button.
// The pages work without this file; it only adds to them.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("suggest");
  var results = [];
  var active = -1;
  var timer = 0;
  var fallbackIndex = null;

  function close() {
    list.hidden = true;
    list.textContent = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    results = [];
    active = -1;
  }

  function select(i) {
    var items = list.querySelectorAll("li");
    active = i;
    for (var j = 0; j < items.length; j++) {
      items[j].setAttribute("aria-selected", j === i ? "true" : "false");
    }
    if (items[i]) input.setAttribute("aria-activedescendant", items[i].id);
  }

  function show(found) {
    list.textContent = "";
    results = found.slice(0, 8);
    if (!results.length) return close();
    results.forEach(function (r, i) {
      var li = document.createElement("li");
      li.id = "sg" + i;
      li.setAttribute("role", "option");
      var a = document.createElement("a");
      var code = String(r.code).padStart(3, "0");
      a.href = "/" + code;
      var b = document.createElement("span");
      b.className = "code c" + code.charAt(0);
      b.textContent = code;
      a.appendChild(b);
      a.appendChild(document.createTextNode(" " + r.name));
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    select(0);
  }

  // A static export has no search endpoint: match names in the exported list instead.
  function fallback(q) {
    var load = fallbackIndex
      ? Promise.resolve(fallbackIndex)
      : fetch("/api/v1/codes.json").then(function (r) { return r.json(); }).then(function (all) { fallbackIndex = all; return all; });
    return load.then(function (all) {
      var words = q.toLowerCase().split(/\s+/).filter(Boolean);
      return all.filter(function (e) {
        var text = (String(e.code).padStart(3, "0") + " " + e.name + " " + e.summary).toLowerCase();
        return words.every(function (w) { return text.indexOf(w) >= 0; });
      });
    });
  }

  function lookup(q) {
    return fetch("/api/v1/search?q=" + encodeURIComponent(q) + "&limit=8").then(function (r) {
      if (!r.ok) throw new Error("no search endpoint");
      return r.json();
    }).catch(function () { return fallback(q); });
  }

  if (input && list) {
    input.addEventListener("input", function () {
      var q = input.value.trim();
      clearTimeout(timer);
      if (!q) return close();
      timer = setTimeout(function () {
        lookup(q).then(function (found) { if (input.value.trim() === q) show(found); });
      }, 60);
    });
    input.addEventListener("keydown", function (ev) {
      if (list.hidden || !results.length) return;
      if (ev.key === "ArrowDown") { ev.preventDefault(); select((active + 1) % results.length); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); select((active - 1 + results.length) % results.length); }
      else if (ev.key === "Enter" && active >= 0) { ev.preventDefault(); location.href = "/" + String(results[active].code).padStart(3, "0"); }
      else if (ev.key === "Escape") { close(); }
    });
    // Keep the focus in the box while a suggestion is clicked, so that the click is not lost to the blur.
    list.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable);
    if (ev.key === "/" && !typing && input) { ev.preventDefault(); input.focus(); input.select(); }
  });

  Array.prototype.forEach.call(document.querySelectorAll("button.copy"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var pre = document.getElementById(button.getAttribute("data-copy"));
      var text = pre ? pre.textContent : "";
      var done = function () { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 1500); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { button.textContent = "Copy failed"; });
      }
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("button.try-button"), function (button) {
    var out = button.nextElementSibling;
    button.hidden = false;
    button.addEventListener("click", function () {
      var code = button.getAttribute("data-code");
      var started = performance.now();
      out.hidden = false;
      out.textContent = "Sending GET /status/" + code + " ...";
      fetch("/status/" + code, { headers: { Accept: "text/plain" }, cache: "no-store" }).then(function (r) {
        return r.text().then(function (body) {
          var lines = ["HTTP " + r.status + " " + r.statusText + "  (" + Math.round(performance.now() - started) + " ms)"];
          if (r.redirected) lines.push("(the browser followed a redirect to " + r.url + ")");
          r.headers.forEach(function (v, k) { lines.push(k + ": " + v); });
          lines.push("", body);
          out.textContent = lines.join("\n");
        });
      }).catch(function (e) { out.textContent = "The request failed: " + e.message; });
    });
  });
})();
