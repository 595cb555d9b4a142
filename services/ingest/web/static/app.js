// Progressive enhancement: new verdicts arrive over Server-Sent Events (/ui/events).
// Without JavaScript every page still works; with it, the claims list gains rows as
// verdicts are published and a claim page says when a newer verdict exists.
// Everything from the stream is untrusted text: it is only ever set through textContent.
"use strict";

(function () {
  const body = document.body;
  const page = body.dataset.page;
  if (!window.EventSource || !["claims", "claim", "article"].includes(page)) {
    return;
  }

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function claimHref(id) { return "/ui/claims/" + encodeURIComponent(id); }

  // The filters the page was rendered with (not what is typed in the form since).
  function filters(tbody) {
    const d = tbody.dataset;
    return { verdict: d.verdict || "", min: d.min || "", outlet: (d.outlet || "").toLowerCase(), q: (d.q || "").toLowerCase() };
  }

  function matches(v, f) {
    if (f.verdict && v.verdict !== f.verdict) { return false; }
    if (f.min && v.confidence < parseFloat(f.min)) { return false; }
    if (f.outlet && !v.source.toLowerCase().includes(f.outlet)) { return false; }
    if (f.q && !v.text.toLowerCase().includes(f.q)) { return false; }
    return true;
  }

  function row(v) {
    const tr = el("tr", "fresh");
    tr.dataset.claim = v.claim_id;
    tr.dataset.version = String(v.version);
    const verdict = el("td");
    verdict.appendChild(el("span", "badge v-" + v.verdict, v.verdict));
    const conf = el("td");
    const wrap = el("span", "conf");
    const meter = el("meter");
    meter.min = 0; meter.max = 1; meter.low = 0.34; meter.high = 0.67; meter.optimum = 1;
    meter.value = v.confidence;
    wrap.appendChild(meter);
    wrap.appendChild(document.createTextNode(" "));
    wrap.appendChild(el("span", "num", Number(v.confidence).toFixed(2)));
    conf.appendChild(wrap);
    const origins = el("td", "origins", String(v.independent_origins));
    const outlet = el("td", "outlet");
    const articleLink = el("a", "", v.source);
    articleLink.href = "/ui/articles/" + encodeURIComponent(v.article_id);
    outlet.appendChild(articleLink);
    const text = el("td", "text");
    const link = el("a", "", v.text);
    link.href = claimHref(v.claim_id);
    text.appendChild(link);
    [verdict, conf, origins, outlet, text].forEach((td) => tr.appendChild(td));
    return tr;
  }

  function onClaims(v) {
    const tbody = document.querySelector("#claims tbody[data-live]");
    if (!tbody || !matches(v, filters(tbody))) { return; }
    const empty = tbody.querySelector("tr.empty");
    if (empty) { empty.remove(); }
    for (const old of tbody.querySelectorAll("tr[data-claim]")) {
      if (old.dataset.claim === v.claim_id) {
        if (Number(old.dataset.version) >= v.version) { return; }
        old.remove();
      }
    }
    tbody.insertBefore(row(v), tbody.firstChild);
  }

  function onClaim(v) {
    const section = document.querySelector("section.verdict");
    if (section && section.dataset.claim === v.claim_id && v.version > Number(section.dataset.version)) {
      document.getElementById("newer").hidden = false;
    }
  }

  function onArticle(v) {
    for (const mark of document.querySelectorAll("mark[data-claim]")) {
      if (mark.dataset.claim === v.claim_id) { mark.className = "v-" + v.verdict; }
    }
  }

  const handlers = { claims: onClaims, claim: onClaim, article: onArticle };
  const after = body.dataset.after || "$";
  const source = new EventSource("/ui/events?after=" + encodeURIComponent(after));
  const live = document.getElementById("live");
  source.onopen = () => { if (live) { live.hidden = false; } };
  source.onerror = () => { if (live) { live.hidden = true; } };
  source.addEventListener("verdict", (event) => {
    let v;
    try { v = JSON.parse(event.data); } catch (e) { return; }
    body.dataset.received = String(Number(body.dataset.received || "0") + 1);
    handlers[page](v);
  });
})();
