// Live refresh without a build chain: the jobs table's rows are fetched again (server-rendered, escaped HTML)
// every two seconds; a running job's page reloads itself until the job ends.
(function () {
  'use strict';
  var table = document.getElementById('jobs');
  if (table && table.dataset.rows) {
    setInterval(function () {
      fetch(table.dataset.rows, { headers: { Accept: 'text/html' } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (rows) {
          if (rows === null) { return; }
          var old = table.querySelector('tbody');
          var parsed = new DOMParser().parseFromString('<table>' + rows + '</table>', 'text/html');
          var fresh = parsed.querySelector('tbody');
          if (old && fresh) { table.replaceChild(document.adoptNode(fresh), old); }
        })
        .catch(function () { /* the runtime stopped: keep what is shown */ });
    }, 2000);
  }
  var live = document.querySelector('[data-reload]');
  if (live) {
    setTimeout(function () { location.reload(); }, Number(live.dataset.reload));
  }
})();
