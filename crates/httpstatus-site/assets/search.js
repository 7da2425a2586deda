// httpstatus search without a server: the catalog's ranking (crates/httpstatus-catalog/src/search.rs) over
// the index the catalog builds at compile time, shipped as /assets/search-index.json. A static export has no
// search endpoint, so its pages search with this. Scores are computed in 32-bit floats, as the catalog does,
// so both give the same order.
var httpstatusSearch = (function () {
  "use strict";
  var f = Math.fround;

  function stem(word) {
    if (/[0-9]/.test(word) || word.length <= 3) return word;
    var suffixes = ["ing", "ed", "es", "s"];
    for (var i = 0; i < suffixes.length; i++) {
      var suffix = suffixes[i];
      if (word.slice(-suffix.length) === suffix) {
        var base = word.slice(0, -suffix.length);
        var min = suffix.length >= 2 && suffix !== "es" ? 4 : 3;
        if (base.length >= min && !(suffix === "s" && base.slice(-1) === "s")) return base;
      }
    }
    return word;
  }

  function terms(index, text) {
    var out = [];
    var words = text.split(/[^\p{L}\p{N}']/u);
    for (var i = 0; i < words.length; i++) {
      var word = words[i].replace(/'/g, "").toLowerCase();
      if (!word || index.stop.has(word)) continue;
      out.push(stem(word));
    }
    return out;
  }

  function mask(text) {
    var lo = 0, hi = 0;  // bits 0-31 and 32-63 of the catalog's 64-bit mask
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i), bit;
      if (c >= 97 && c <= 122) bit = c - 97;
      else if (c >= 48 && c <= 57) bit = 26 + c - 48;
      else bit = 63;
      if (bit < 32) lo |= 1 << bit; else hi |= 1 << (bit - 32);
    }
    return [lo >>> 0, hi >>> 0];
  }

  function ones(x) {
    var n = 0;
    while (x) { n += x & 1; x >>>= 1; }
    return n;
  }

  // Levenshtein distance with adjacent transpositions counted as one edit, when it is at most `max`.
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return -1;
    var prev2 = [], prev = [], cur = [];
    for (var j = 0; j <= b.length; j++) prev[j] = j;
    for (var i = 1; i <= a.length; i++) {
      cur = [i];
      var rowMin = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var value = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, prev2[j - 2] + 1);
        cur[j] = value;
        rowMin = Math.min(rowMin, value);
      }
      if (rowMin > max) return -1;
      prev2 = prev;
      prev = cur;
    }
    return prev[b.length] <= max ? prev[b.length] : -1;
  }

  function prepare(data) {
    var index = { data: data, stop: new Set(data.stop_words), ids: new Map(), byLength: [] };
    for (var i = 0; i < data.terms.length; i++) {
      var term = data.terms[i];
      index.ids.set(term, i);
      var len = Array.from(term).length;
      while (index.byLength.length <= len) index.byLength.push([]);
      index.byLength[len].push([mask(term), i]);
    }
    return index;
  }

  function completions(index, prefix) {
    var out = [], len = Array.from(prefix).length;
    for (var l = len + 1; l < index.byLength.length; l++) {
      var bucket = index.byLength[l];
      for (var k = 0; k < bucket.length; k++) {
        if (index.data.terms[bucket[k][1]].indexOf(prefix) === 0) out.push([bucket[k][1], f(0.7)]);
      }
    }
    return out;
  }

  function expand(index, term, isLast) {
    var id = index.ids.get(term);
    if (id !== undefined) {
      var exact = [[id, 1]];
      return isLast && term.length >= 3 ? exact.concat(completions(index, term)) : exact;
    }
    var len = Array.from(term).length, out = [];
    if (len >= 4) {
      var max = len >= 7 ? 2 : 1, m = mask(term);
      for (var l = Math.max(0, len - max); l <= len + max; l++) {
        var bucket = index.byLength[l] || [];
        for (var k = 0; k < bucket.length; k++) {
          var cm = bucket[k][0];
          if (ones((m[0] ^ cm[0]) >>> 0) + ones((m[1] ^ cm[1]) >>> 0) > 2 * max) continue;
          var d = distance(term, index.data.terms[bucket[k][1]], max);
          if (d >= 0) out.push([bucket[k][1], d === 1 ? f(0.8) : f(0.6)]);
        }
      }
    }
    return isLast && len >= 2 ? out.concat(completions(index, term)) : out;
  }

  // Best first, at most `limit` results of {code, name, official}.
  function search(index, query, limit) {
    var data = index.data, entries = data.entries, n = entries.length;
    var scores = new Array(n).fill(0), matched = new Array(n).fill(0);
    var numbers = query.split(/[^0-9]/);
    for (var w = 0; w < numbers.length; w++) {
      if (numbers[w].length !== 3) continue;
      var code = Number(numbers[w]);
      for (var e = 0; e < n; e++) if (entries[e][0] === code) scores[e] = f(scores[e] + 1000);
    }
    var queryTerms = terms(index, query).filter(function (t) { return !/^[0-9]{3}$/.test(t); }).slice(0, data.max_terms);
    var count = queryTerms.length;
    queryTerms.forEach(function (term, position) {
      var best = new Array(n).fill(0);
      expand(index, term, position + 1 === count).forEach(function (c) {
        var idf = data.idf[c[0]];
        data.postings[c[0]].forEach(function (p) {
          var s = f(f(f(p[1]) * f(idf)) * c[1]);
          if (s > best[p[0]]) best[p[0]] = s;
        });
      });
      for (var i = 0; i < n; i++) {
        if (best[i] > 0) { scores[i] = f(scores[i] + best[i]); matched[i] += 1; }
      }
    });
    if (count > 0) {
      var phrase = queryTerms.join(" ");
      for (var i = 0; i < n; i++) {
        if (!matched[i]) continue;
        var names = data.phrases[i];
        if (names.indexOf(phrase) >= 0) scores[i] = f(scores[i] + 40);
        else if (count >= 2 && names.some(function (name) { return name.indexOf(phrase) >= 0; })) scores[i] = f(scores[i] + 15);
        var coverage = f(matched[i] / count);
        scores[i] = f(scores[i] * f(0.5 + f(f(0.5 * coverage) * coverage)));
      }
    }
    var hits = [];
    for (var i = 0; i < n; i++) if (scores[i] > 0) hits.push(i);
    hits.sort(function (a, b) {
      return scores[b] - scores[a] || (entries[b][2] ? 1 : 0) - (entries[a][2] ? 1 : 0) || entries[a][0] - entries[b][0];
    });
    return hits.slice(0, limit).map(function (i) {
      return { code: entries[i][0], name: entries[i][1], official: entries[i][2] };
    });
  }

  return { prepare: prepare, search: search };
})();
if (typeof module === "object" && module.exports) module.exports = httpstatusSearch;
