/* The citizen form's enhancement: ES5 only (Android 8 WebView, Zalo), and every
   step survives a missing feature: without storage nothing is kept, without
   XMLHttpRequest the form posts as it does with JavaScript off. */
(function () {
  var f = document.getElementById("f");
  if (!f || !f.querySelectorAll) { return; }
  var DAY = 864e5, PREFIX = "sipas:", key = PREFIX + location.pathname;
  var send = f.querySelector("button[type=submit]"), net = document.getElementById("net");
  var pg = document.getElementById("pg"), store = null, switching = false, busy = false;

  function each(list, fn) { for (var i = 0; i < list.length; i++) { fn(list[i]); } }
  function now() { return new Date().getTime(); }
  function read(k) {
    try { var v = JSON.parse(store.getItem(k) || "null"); return v && now() - v.t < DAY ? v : null; }
    catch (e) { return null; }
  }
  // A counter tablet serves the next citizen: never keep one person's answers there.
  if (!f.getAttribute("data-kiosk")) {
    try {
      store = window.localStorage;
      store.setItem(PREFIX + "probe", "1");
      store.removeItem(PREFIX + "probe");
      for (var i = store.length - 1; i >= 0; i--) {  // nothing older than a day, any counter
        var k = store.key(i);
        if (k && k.indexOf(PREFIX) === 0 && !read(k)) { store.removeItem(k); }
      }
    } catch (e) { store = null; }  // private mode, storage off or full
  }

  function answers() {
    var a = {};
    each(f.querySelectorAll("input[type=radio]"), function (r) { if (r.checked) { a[r.name] = r.value; } });
    return a;
  }
  function save() {
    if (!store) { return; }
    try {
      store.setItem(key, JSON.stringify({t: now(), a: answers(), c: f.elements.comment.value,
                                         k: f.elements.submission_key.value}));
    } catch (e) { /* full or refused: the page still works */ }
  }
  function restore() {
    var v = store && read(key);
    if (!v) { return; }
    var given = answers(), fresh = true, name;
    for (name in given) { if (given.hasOwnProperty(name)) { fresh = false; } }
    each(f.querySelectorAll("input[type=radio]"), function (r) {
      if (!given.hasOwnProperty(r.name) && v.a[r.name] === r.value) { r.checked = true; }
    });
    if (!f.elements.comment.value && v.c) { f.elements.comment.value = v.c; }
    // A blank page after a send whose answer never arrived: the same key,
    // so sending again stores the response once.
    if (fresh && v.k) { f.elements.submission_key.value = v.k; }
  }
  function progress() {
    var total = f.querySelectorAll("fieldset.c").length;
    if (!pg || !total) { return; }
    var done = f.querySelectorAll("fieldset.c input:checked").length;
    pg.firstChild.nodeValue = f.getAttribute("data-pg").replace("{a}", done).replace("{n}", total);
    pg.lastChild.style.width = Math.round(100 * done / total) + "%";
  }
  function say(text) {
    net.firstChild.textContent = text;
    net.hidden = false;
    net.focus();
  }
  function post() {
    if (busy) { return; }
    busy = true;
    send.disabled = true;
    var x = new XMLHttpRequest();
    x.open("POST", f.action || location.href);
    x.timeout = 30000;
    x.onload = function () {
      busy = false;
      send.disabled = false;
      var url = x.responseURL || "";
      if (x.status === 200 && /\/cam-on(\?|$)/.test(url)) {  // stored (or already stored): confirmed
        if (store) { try { store.removeItem(key); } catch (e) { /* nothing kept anyway */ } }
        location.href = url;
      } else if (x.status >= 500 || x.status === 429) {
        say(f.getAttribute("data-busy"));
      } else {
        f.submit();  // errors to show, or a closed survey: let the server render the page
      }
    };
    x.onerror = x.ontimeout = function () {
      busy = false;
      send.disabled = false;
      say(f.getAttribute(navigator.onLine === false ? "data-off" : "data-busy"));
    };
    x.send(new FormData(f));
  }

  if (pg) {
    pg.appendChild(document.createTextNode(""));
    pg.appendChild(document.createElement("i"));
    pg.hidden = false;
  }
  restore();
  progress();
  f.addEventListener("change", function () { save(); progress(); });
  f.addEventListener("input", save);
  each(document.querySelectorAll("button[name=lang]"), function (b) {
    b.addEventListener("click", function () { switching = true; save(); });
  });
  f.addEventListener("submit", function (e) {
    if (switching || !window.XMLHttpRequest || !window.FormData) { return; }
    e.preventDefault();
    save();
    net.hidden = true;
    post();
  });
  if (net) { net.lastChild.addEventListener("click", function () { net.hidden = true; post(); }); }
  var summary = document.getElementById("errors");
  if (summary) { summary.focus(); }
})();
