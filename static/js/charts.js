// Draws the figures the server built (json_script "chart-data") and wires the download buttons.
// Everything a chart shows is also in the table beside it.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Plotly === "undefined") return;
  var charts = JSON.parse(source.textContent);
  var IMAGE = { width: 1100, height: 560 };
  // Narrower than this, a chart takes the phone layout the server sent (layout.meta.compact).
  var COMPACT_WIDTH = 600;
  var filenames = {};

  // At the figure's own height where it sets one: its legend and source are placed in pixels
  // under a plot of fixed height, so a shorter image would cut the last lines of the source off.
  function download(id, format) {
    var el = document.getElementById(id);
    var height = (el.layout && el.layout.height) || IMAGE.height;
    return Plotly.downloadImage(el, {
      format: format, filename: filenames[id], width: IMAGE.width, height: height, scale: format === "png" ? 2 : 1
    });
  }

  // One chart at a time, each in a task of its own: the browser shows the first while it draws
  // the next, rather than nothing until every chart is drawn (seven of them, every authority's
  // lines on each, take seconds on a slow machine).
  function draw(chart) {
    var el = document.getElementById(chart.id);
    if (!el) return Promise.resolve();
    filenames[chart.id] = chart.filename;
    var compact = el.clientWidth < COMPACT_WIDTH && chart.figure.layout.meta;
    return Plotly.newPlot(el, chart.figure.data, chart.figure.layout, {
      responsive: true,
      // A phone's chart has no room beside its title for the toolbar: the download buttons
      // under it stay.
      displayModeBar: compact ? false : "hover",
      displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toImage"],
      modeBarButtonsToAdd: [{
        name: "downloadPng",
        title: "Download plot as PNG",
        icon: Plotly.Icons.camera,
        click: function () { download(chart.id, "png"); }
      }, {
        name: "downloadSvg",
        title: "Download plot as SVG",
        icon: Plotly.Icons.disk,
        click: function () { download(chart.id, "svg"); }
      }]
    }).then(function () {
      return compact ? Plotly.relayout(el, compact.compact) : el;
    }).then(function () {
      // Trace styles for a phone (the map's labels), where the figure gives them.
      return compact && compact.restyle ? Plotly.restyle(el, compact.restyle) : el;
    }).then(function () {
      // A point opens its inspection (a hexagon its authority): the last item of its customdata
      // is that page's path.
      el.on("plotly_click", function (event) {
        var point = event.points && event.points[0];
        var url = point && point.customdata && point.customdata[point.customdata.length - 1];
        if (typeof url === "string" && /^\/(inspections\/\d+|authorities\/[\w-]+)\/$/.test(url)) window.location.assign(url);
      });
      el.setAttribute("data-drawn", "true");
    });
  }

  var waiting = charts.slice();
  (function drawNext() {
    if (waiting.length) draw(waiting.shift()).then(function () { setTimeout(drawNext, 0); });
  })();

  document.querySelectorAll("button[data-download]").forEach(function (button) {
    button.addEventListener("click", function () {
      download(button.getAttribute("data-chart"), button.getAttribute("data-download"));
    });
  });

  // A4 portrait: each chart as its figure says it prints (layout.meta.print, beside its table;
  // the source under the first only), or at the printable width; then as it was.
  var PRINT_WIDTH = 680;
  var before = {};

  function valueAt(layout, path) {
    return path.replace(/\[(\d+)\]/g, ".$1").split(".").reduce(function (v, key) {
      return v == null ? v : v[key];
    }, layout);
  }

  function forPrint() {
    var first = true;
    charts.forEach(function (chart) {
      var el = document.getElementById(chart.id);
      if (!el || !el.getAttribute("data-drawn")) return;
      var meta = chart.figure.layout.meta || {};
      var changes = (first ? meta.print : meta.print_rest) || { width: PRINT_WIDTH };
      first = false;
      var saved = { autosize: el.layout.autosize };
      Object.keys(changes).forEach(function (path) {
        var value = valueAt(el.layout, path);
        saved[path] = value === undefined ? null : value;
      });
      before[chart.id] = saved;
      Plotly.relayout(el, Object.assign({ autosize: false }, changes));
    });
  }

  function afterPrint() {
    charts.forEach(function (chart) {
      var el = document.getElementById(chart.id);
      if (el && before[chart.id]) Plotly.relayout(el, before[chart.id]);
      delete before[chart.id];
    });
  }
  window.addEventListener("beforeprint", forPrint);
  window.addEventListener("afterprint", afterPrint);
})();
