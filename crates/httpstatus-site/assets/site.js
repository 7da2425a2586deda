// httpstatus: search as you type, keyboard navigation, copy buttons, the "Try it" button and the examples'
// tabs (one per language and framework, the reader's choice remembered across pages).
// The pages work without this file; it only adds to them.
(function () {
  "use strict";
  if (typeof document === "undefined") return;
  var input = document.getElementById("q");
  var list = document.getElementById("suggest");
  var results = [];
  var active = -1;
  var timer = 0;
  var staticIndex = null;

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

  // A static export has no search endpoint: rank with the catalog's own index and algorithm, in the page.
  function fallback(q, limit) {
    var load = staticIndex
      ? Promise.resolve(staticIndex)
      : fetch("/assets/search-index.json").then(function (r) { return r.json(); }).then(function (data) {
        staticIndex = httpstatusSearch.prepare(data);
        return staticIndex;
      });
    return load.then(function (index) { return httpstatusSearch.search(index, q, limit || 8); });
  }

  function lookup(q) {
    return fetch("/api/v1/search?q=" + encodeURIComponent(q) + "&limit=8").then(function (r) {
      if (!r.ok) throw new Error("no search endpoint");
      return r.json();
    }).catch(function () { return fallback(q); });
  }

  // The search page on a static host: the form's query arrives, but no server ranked it.
  var main = document.getElementById("main");
  var params = new URLSearchParams(location.search);
  var heading = main && main.querySelector("h1");
  if (params.get("q") && heading && heading.textContent === "Search" && location.pathname.replace(/\/(index\.html)?$/, "") === "/search") {
    var q = params.get("q");
    fallback(q, 20).then(function (found) {
      main.textContent = "";
      var h1 = document.createElement("h1");
      h1.textContent = found.length ? "Results for \u201c" + q + "\u201d" : "No code matches \u201c" + q + "\u201d";
      main.appendChild(h1);
      var ol = document.createElement("ol");
      ol.className = "results";
      found.forEach(function (r) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        var code = String(r.code).padStart(3, "0");
        a.href = "/" + code;
        a.textContent = code + " " + r.name;
        li.appendChild(a);
        ol.appendChild(li);
      });
      main.appendChild(ol);
      if (input) input.value = q;
    });
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

  // The examples, one group per language and framework: the groups become tabs. The choice is kept in
  // localStorage as the group's flavour ("python/flask") and applied on every code page; a page without it
  // shows the same language's standard-library group, else its first group.
  var STORE = "httpstatus.examples";
  function remembered() {
    try { return localStorage.getItem(STORE) || ""; } catch (e) { return ""; }
  }
  function remember(flavour) {
    try { localStorage.setItem(STORE, flavour); } catch (e) { /* storage disabled: the choice lasts this page */ }
  }
  Array.prototype.forEach.call(document.querySelectorAll(".example-groups"), function (box) {
    var panels = Array.prototype.filter.call(box.children, function (el) { return el.classList.contains("example-group"); });
    if (panels.length < 2) return;
    var bar = document.createElement("div");
    bar.className = "tabs";
    bar.setAttribute("role", "tablist");
    bar.setAttribute("aria-label", "Language and framework of the examples");
    var tabs = panels.map(function (panel) {
      var heading = panel.querySelector("h3");
      var tab = document.createElement("button");
      tab.type = "button";
      tab.id = panel.id + "-tab";
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      tab.setAttribute("data-flavour", panel.getAttribute("data-flavour"));
      tab.textContent = heading ? heading.textContent : panel.getAttribute("data-flavour");
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      bar.appendChild(tab);
      return tab;
    });
    function show(i, focus) {
      tabs.forEach(function (tab, j) {
        var on = i === j;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        panels[j].hidden = !on;
      });
      if (focus) tabs[i].focus();
    }
    function find(flavour) {
      for (var i = 0; i < panels.length; i++) if (panels[i].getAttribute("data-flavour") === flavour) return i;
      return -1;
    }
    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { show(i, false); remember(tab.getAttribute("data-flavour")); });
      tab.addEventListener("keydown", function (ev) {
        var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[ev.key];
        if (next === undefined) return;
        ev.preventDefault();
        next = (next + tabs.length) % tabs.length;
        show(next, true);
        remember(tabs[next].getAttribute("data-flavour"));
      });
    });
    var wanted = remembered();
    var at = find(wanted);
    if (at < 0 && wanted) at = find(wanted.split("/")[0]);
    box.classList.add("tabbed");
    box.insertBefore(bar, box.firstChild);
    show(at < 0 ? 0 : at, false);
  });

  Array.prototype.forEach.call(document.querySelectorAll("button.try-button"), function (button) {
    var out = button.nextElementSibling;
    button.hidden = false;
    button.addEventListener("click", function () {
      var code = button.getAttribute("data-code");
      var started = performance.now();
      out.hidden = false;
      var url = button.getAttribute("data-url") || "/status/" + code;
      out.textContent = "Sending GET " + url + " ...";
      fetch(url, { headers: { Accept: "text/plain" }, cache: "no-store" }).then(function (r) {
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
