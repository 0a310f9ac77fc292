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

  charts.forEach(function (chart) {
    var el = document.getElementById(chart.id);
    if (!el) return;
    filenames[chart.id] = chart.filename;
    var compact = el.clientWidth < COMPACT_WIDTH && chart.figure.layout.meta;
    Plotly.newPlot(el, chart.figure.data, chart.figure.layout, {
      responsive: true,
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
  });

  document.querySelectorAll("button[data-download]").forEach(function (button) {
    button.addEventListener("click", function () {
      download(button.getAttribute("data-chart"), button.getAttribute("data-download"));
    });
  });

  // A4 portrait: draw each chart at the printable width, then give it back to the window.
  function resizeAll(width) {
    charts.forEach(function (chart) {
      var el = document.getElementById(chart.id);
      if (el && el.getAttribute("data-drawn")) Plotly.relayout(el, { width: width, autosize: !width });
    });
  }
  window.addEventListener("beforeprint", function () { resizeAll(680); });
  window.addEventListener("afterprint", function () { resizeAll(null); });
})();
