// Store list (/stores): narrows the list as you type. Plain JavaScript, no bundle: without it
// the search is a normal GET form. Each store carries its searchable text in lower case
// (data-search); the count line's text, in the page's language, comes in data-template.
(function () {
  'use strict';
  var input = document.getElementById('store-search');
  var count = document.querySelector('p.count[data-template]');
  var stores = document.querySelectorAll('li.store[data-search]');
  if (!input || !count) return;

  function narrow() {
    var needle = input.value.trim().toLowerCase();
    var shown = 0;
    stores.forEach(function (li) {
      var hit = !needle || li.getAttribute('data-search').indexOf(needle) !== -1;
      li.hidden = !hit;
      if (hit) shown += 1;
    });
    count.textContent = count.getAttribute('data-template').replace('{count}', String(shown));
  }

  input.addEventListener('input', narrow);
  if (input.value) narrow();
})();
