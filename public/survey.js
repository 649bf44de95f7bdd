// Customer survey (/s/...): keeps an answer through a network failure. Plain JavaScript, no
// bundle: the form works without this file (a normal form post); with it, a send that fails
// for want of a network is kept in localStorage and sent again when the phone is back online
// or the survey is opened again. The server stores an answer once per response id (the
// hidden "rid"), so sending it twice is harmless.
(function () {
  'use strict';
  var KEY = 'servscope.survey.outbox';

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || '[]'); } catch (e) { return []; }
  }
  function save(items) {
    try { localStorage.setItem(KEY, JSON.stringify(items)); } catch (e) { /* private mode: best effort */ }
  }
  function forget(rid) {
    save(load().filter(function (i) { return i.rid !== rid; }));
  }
  function keep(item) {
    save(load().filter(function (i) { return i.rid !== item.rid; }).concat([item]));
  }

  // The status line speaks the page's language: its texts come with the page.
  function say(what) {
    var el = document.getElementById('survey-status');
    if (!el) return;
    el.textContent = el.getAttribute('data-' + what) || '';
    el.hidden = !el.textContent;
  }

  function send(item) {
    return fetch(item.action, {
      method: 'POST',
      body: item.body,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      credentials: 'same-origin'
    });
  }

  // Show what the server answered: the thank-you page (after its redirect), or the form again
  // with messages next to the fields.
  function show(res) {
    if (res.redirected) {
      location.replace(res.url);
      return Promise.resolve();
    }
    return res.text().then(function (html) {
      var doc = new DOMParser().parseFromString(html, 'text/html');
      document.title = doc.title;
      document.body.replaceWith(document.adoptNode(doc.body));
    });
  }

  // A busy server (429, 5xx) is tried again later; any other answer settles the item.
  function settled(res) {
    return res.status !== 429 && res.status < 500;
  }

  var flushing = false;
  function flush() {
    var items = load();
    if (flushing || !items.length) return;
    flushing = true;
    var onThisPage = document.querySelector('form[data-survey]');
    Promise.all(items.map(function (item) {
      return send(item).then(function (res) {
        if (!settled(res)) return;
        forget(item.rid);
        if (onThisPage && onThisPage.elements.rid && onThisPage.elements.rid.value === item.rid) {
          return show(res);
        }
        say('sent');
      }, function () { /* still offline: kept */ });
    })).then(function () { flushing = false; });
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form.matches || !form.matches('form[data-survey]') || !window.fetch) return;
    event.preventDefault();
    if (form.elements.sent) form.elements.sent.value = String(Date.now());
    var item = {
      rid: form.elements.rid.value,
      action: form.getAttribute('action'),
      body: new URLSearchParams(new FormData(form)).toString()
    };
    var button = form.querySelector('button[type=submit]');
    if (button) button.disabled = true;
    say('sending');
    send(item).then(function (res) {
      if (!settled(res)) keep(item);
      return show(res);
    }, function () {
      keep(item);
      if (button) button.disabled = false;
      say('offline');
    });
  });

  window.addEventListener('online', flush);
  // While something waits, try now and then too: `online` is not fired on every network.
  setInterval(function () { if (load().length) flush(); }, 20000);
  flush();
}());
