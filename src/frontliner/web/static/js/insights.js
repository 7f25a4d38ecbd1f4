// The insights' charts: each <canvas data-chart="..."> holds its numbers as JSON (the
// same as the table beside it); Chart.js (static/vendor) draws them. One accent colour
// for the first series, ink and muted grey for the others; no animation.
(function () {
  "use strict";
  var COLOURS = ["#0b5cad", "#1b1f24", "#4a5560", "#7a4b00"];

  function draw(canvas) {
    var data;
    try {
      data = JSON.parse(canvas.getAttribute("data-chart"));
    } catch (e) {
      return;
    }
    var line = data.kind === "line";
    var datasets = data.series.map(function (series, i) {
      var colour = COLOURS[i % COLOURS.length];
      return {
        label: series.label,
        data: series.data,
        backgroundColor: colour,
        borderColor: colour,
        borderWidth: line ? 2 : 0,
        pointRadius: line ? 2 : 0,
        spanGaps: true
      };
    });
    canvas.chart = new window.Chart(canvas, {
      type: line ? "line" : "bar",
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: datasets.length > 1 } },
        scales: { y: { beginAtZero: true } }
      }
    });
    canvas.setAttribute("data-drawn", "true");
  }

  function start() {
    if (!window.Chart) {
      return;
    }
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
