"""The dashboard's browser code: re-aggregates the embedded data for the chosen dates and region.

Plain JavaScript over plotly.js (inlined by dashboard.py), no build step, no
network: the data arrives as columnar JSON in <script id="dashboard-data">.
"""

SCRIPT = r"""
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("dashboard-data").textContent);
  var WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  var CONFIG = {displaylogo: false, responsive: true, modeBarButtonsToRemove: ["select2d", "lasso2d"]};
  var BLUE = "#2f6fb0", ORANGE = "#e8590c", GREEN = "#2b8a3e", GREY = "#adb5bd";
  var money = new Intl.NumberFormat("en-GB", {minimumFractionDigits: 2, maximumFractionDigits: 2});
  var whole = new Intl.NumberFormat("en-GB", {maximumFractionDigits: 0});

  function byId(id) { return document.getElementById(id); }
  function rows(table) {
    var names = Object.keys(table), n = names.length ? table[names[0]].length : 0, out = [];
    for (var i = 0; i < n; i++) {
      var row = {};
      names.forEach(function (k) { row[k] = table[k][i]; });
      out.push(row);
    }
    return out;
  }
  function sumBy(items, key, value) {
    var totals = new Map();
    items.forEach(function (it) { var k = key(it); totals.set(k, (totals.get(k) || 0) + value(it)); });
    return totals;
  }
  function sortedKeys(map) { return Array.from(map.keys()).sort(); }

  var sales = rows(DATA.sales), countries = rows(DATA.customer_countries);
  var forecast = rows(DATA.forecast), topProducts = rows(DATA.top_products);
  var peak = rows(DATA.peak_hours), customers = rows(DATA.customers);
  var els = {from: byId("filter-from"), to: byId("filter-to"), region: byId("filter-region"),
             reset: byId("filter-reset"), summary: byId("selection-summary")};

  function selection() {
    var from = els.from.value || DATA.first_date, to = els.to.value || DATA.latest_date;
    if (from > to) { var t = from; from = to; to = t; }
    return {from: from, to: to, region: els.region.value};
  }
  function inDates(s, day) { return day >= s.from && day <= s.to; }
  function inRegion(s, region) { return !s.region || region === s.region; }

  function layout(extra) {
    return Object.assign({
      height: 320, margin: {l: 70, r: 16, t: 8, b: 48}, showlegend: false,
      font: {family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: 12},
      paper_bgcolor: "#ffffff", plot_bgcolor: "#ffffff",
      legend: {orientation: "h", x: 0, y: 1.12}
    }, extra || {});
  }
  function draw(id, traces, extra) { return Plotly.react(id, traces, layout(extra), CONFIG); }
  function note(id, text) {
    return draw(id, [], {xaxis: {visible: false}, yaxis: {visible: false}, annotations: [
      {text: text, showarrow: false, xref: "paper", yref: "paper", x: 0.5, y: 0.5, font: {size: 14, color: "#666"}}]});
  }

  function salesByRegion(s, picked) {
    // All regions: one bar per region; one region picked: one bar per store in it.
    var totals = sumBy(picked, function (r) { return s.region ? r.store_name : r.region; },
                       function (r) { return r.revenue; });
    var entries = Array.from(totals.entries()).sort(function (a, b) { return a[1] - b[1]; });
    if (!entries.length) { return note("chart-sales-by-region", "No sales in this selection"); }
    return draw("chart-sales-by-region", [{
      type: "bar", orientation: "h", marker: {color: BLUE},
      x: entries.map(function (e) { return e[1]; }), y: entries.map(function (e) { return e[0]; }),
      hovertemplate: "%{y}: %{x:,.2f}<extra></extra>"
    }], {margin: {l: 190, r: 16, t: 8, b: 48}, xaxis: {title: {text: "revenue"}, rangemode: "tozero"}});
  }

  var MAX_COUNTRIES = 12;  // beyond a dozen bars the small countries are unreadable: folded into Other

  function salesByCustomerCountry(s) {
    var picked = countries.filter(function (r) { return inDates(s, r.sale_date) && inRegion(s, r.region); });
    var totals = sumBy(picked, function (r) { return r.country; }, function (r) { return r.revenue; });
    var entries = Array.from(totals.entries()).sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : 1); });
    if (!entries.length) { return note("chart-sales-by-customer-country", "No sales in this selection"); }
    if (entries.length > MAX_COUNTRIES) {
      var rest = entries.slice(MAX_COUNTRIES - 1);
      entries = entries.slice(0, MAX_COUNTRIES - 1).concat([["Other (" + rest.length + " countries)",
        rest.reduce(function (sum, e) { return sum + e[1]; }, 0)]]);
    }
    var all = entries.reduce(function (sum, e) { return sum + e[1]; }, 0);
    entries.reverse();  // plotly draws the first bar at the bottom: the largest goes on top
    return draw("chart-sales-by-customer-country", [{
      type: "bar", orientation: "h", marker: {color: BLUE},
      x: entries.map(function (e) { return e[1]; }), y: entries.map(function (e) { return e[0]; }),
      customdata: entries.map(function (e) { return all ? e[1] / all : 0; }),
      hovertemplate: "%{y}: %{x:,.2f} (%{customdata:.1%})<extra></extra>"
    }], {margin: {l: 190, r: 16, t: 8, b: 48}, xaxis: {title: {text: "revenue"}, rangemode: "tozero"},
        yaxis: {type: "category"}});
  }

  function forecastShown(s) { return s.to >= DATA.latest_date; }
  function pickedForecast(s) {
    return forecastShown(s) ? forecast.filter(function (r) { return inRegion(s, r.region); }) : [];
  }

  function dailyTrend(s, picked) {
    var actual = sumBy(picked, function (r) { return r.sale_date; }, function (r) { return r.revenue; });
    var ahead = sumBy(pickedForecast(s), function (r) { return r.forecast_date; },
                      function (r) { return r.forecast_revenue; });
    if (!actual.size && !ahead.size) { return note("chart-daily-trend", "No sales in this selection"); }
    var days = sortedKeys(actual), next = sortedKeys(ahead);
    return draw("chart-daily-trend", [
      {type: "scatter", mode: "lines+markers", name: "actual", x: days, line: {color: BLUE}, marker: {size: 4},
       y: days.map(function (d) { return actual.get(d); }), hovertemplate: "%{x}: %{y:,.2f}<extra>actual</extra>"},
      {type: "scatter", mode: "lines+markers", name: "forecast", x: next, line: {color: ORANGE, dash: "dash"},
       marker: {size: 4}, y: next.map(function (d) { return ahead.get(d); }),
       hovertemplate: "%{x}: %{y:,.2f}<extra>forecast</extra>"}
    ], {showlegend: true, xaxis: {type: "date"}, yaxis: {title: {text: "revenue"}, rangemode: "tozero"},
        annotations: forecast.length ? [] : [{text: "No forecast yet: materialize ml/sales_forecast", showarrow: false,
          xref: "paper", yref: "paper", x: 1, y: 1.1, xanchor: "right", font: {color: "#666"}}]});
  }

  function monthlyTrend(s, picked) {
    function month(d) { return d.slice(0, 7); }
    var actual = sumBy(picked, function (r) { return month(r.sale_date); }, function (r) { return r.revenue; });
    var ahead = sumBy(pickedForecast(s), function (r) { return month(r.forecast_date); },
                      function (r) { return r.forecast_revenue; });
    var months = Array.from(new Set(sortedKeys(actual).concat(sortedKeys(ahead)))).sort();
    if (!months.length) { return note("chart-monthly-trend", "No sales in this selection"); }
    return draw("chart-monthly-trend", [
      {type: "bar", name: "actual", x: months, marker: {color: BLUE},
       y: months.map(function (m) { return actual.get(m) || 0; }), hovertemplate: "%{x}: %{y:,.2f}<extra>actual</extra>"},
      {type: "bar", name: "forecast (next 14 days)", x: months, marker: {color: ORANGE, opacity: 0.75},
       y: months.map(function (m) { return ahead.get(m) || 0; }),
       hovertemplate: "%{x}: %{y:,.2f}<extra>forecast</extra>"}
    ], {showlegend: true, barmode: "stack", xaxis: {type: "category"}, yaxis: {title: {text: "revenue"}}});
  }

  function topFive(s) {
    var list = topProducts.filter(function (r) { return r.region === (s.region || ""); })
      .sort(function (a, b) { return b.position - a.position; });
    if (!list.length) { return note("chart-top-products", "No product sales in this region"); }
    return draw("chart-top-products", [{
      type: "bar", orientation: "h", marker: {color: GREEN},
      x: list.map(function (r) { return r.revenue; }),
      y: list.map(function (r) { return r.product_name + " (" + r.product_id + ")"; }),
      customdata: list.map(function (r) { return r.units; }),
      hovertemplate: "%{y}<br>revenue %{x:,.2f}<br>units %{customdata:,}<extra></extra>"
    }], {margin: {l: 230, r: 16, t: 8, b: 48}, xaxis: {title: {text: "revenue"}}});
  }

  function discounts(s, picked) {
    var key = function (r) { return s.region ? r.store_name : r.region; };
    var groups = new Map();
    picked.forEach(function (r) {
      var g = groups.get(key(r)) || {lines: 0, sum: 0, gross: 0, amount: 0};
      g.lines += r.discount_lines; g.sum += r.discount_sum; g.gross += r.discount_gross; g.amount += r.discount_amount;
      groups.set(key(r), g);
    });
    var names = sortedKeys(groups).filter(function (k) { return groups.get(k).lines > 0; });
    if (!names.length) { return note("chart-discount-by-region", "No product lines in this selection"); }
    return draw("chart-discount-by-region", [
      {type: "bar", name: "average line discount", x: names, marker: {color: BLUE},
       y: names.map(function (k) { var g = groups.get(k); return 100 * g.sum / g.lines; }),
       hovertemplate: "%{x}: %{y:.2f}%<extra>average line discount</extra>"},
      {type: "bar", name: "discounts as share of gross", x: names, marker: {color: ORANGE},
       y: names.map(function (k) { var g = groups.get(k); return g.gross ? 100 * g.amount / g.gross : 0; }),
       hovertemplate: "%{x}: %{y:.2f}%<extra>share of gross</extra>"}
    ], {showlegend: true, barmode: "group", yaxis: {title: {text: "%"}, rangemode: "tozero"},
        margin: {l: 60, r: 16, t: 8, b: 90}});
  }

  function peakHours(s) {
    // Average transactions per calendar day of each weekday seen, as gold.rpt_peak_hours does.
    var picked = peak.filter(function (r) { return inDates(s, r.sale_date) && inRegion(s, r.region); });
    if (!picked.length) { return note("chart-peak-hours", "No transactions in this selection"); }
    var days = WEEKDAYS.map(function () { return new Set(); });
    var z = WEEKDAYS.map(function () { return new Array(24).fill(0); });
    picked.forEach(function (r) {
      var weekday = (new Date(r.sale_date + "T00:00:00Z").getUTCDay() + 6) % 7;
      days[weekday].add(r.sale_date);
      z[weekday][r.hour_of_day] += r.transactions;
    });
    z = z.map(function (hours, w) { var n = days[w].size; return hours.map(function (t) { return n ? t / n : null; }); });
    var hours = Array.from({length: 24}, function (_, h) { return (h < 10 ? "0" : "") + h + ":00"; });
    return draw("chart-peak-hours", [{
      type: "heatmap", x: hours, y: WEEKDAYS, z: z, colorscale: [[0, "#f1f5fb"], [0.5, "#6b9fd4"], [1, "#0b3d7a"]],
      hovertemplate: "%{y} %{x}: %{z:.1f} transactions per day<extra></extra>", colorbar: {title: {text: "per day"}}
    }], {yaxis: {autorange: "reversed"}, margin: {l: 50, r: 16, t: 8, b: 48}});
  }

  function vipPotential(s) {
    if (!customers.length) {
      return note("chart-vip-potential", "No customer scores yet: materialize ml/customer_scores");
    }
    var picked = customers.filter(function (r) { return inRegion(s, r.region); });
    var groups = [
      ["other customers", GREY, function (r) { return !r.vip_potential && !r.high_value; }],
      ["high value", GREEN, function (r) { return r.high_value; }],
      ["VIP potential", ORANGE, function (r) { return r.vip_potential; }]
    ];
    var traces = groups.map(function (g) {
      var part = picked.filter(g[2]);
      return {
        type: "scatter", mode: "markers", name: g[0] + " (" + whole.format(part.length) + ")",
        marker: {color: g[1], size: 6, opacity: 0.75},
        x: part.map(function (r) { return r.current_spend; }), y: part.map(function (r) { return r.predicted_value; }),
        text: part.map(function (r) { return r.customer_id; }),
        customdata: part.map(function (r) { return r.churn_probability; }),
        hovertemplate: "%{text}<br>spend (8 weeks) %{x:,.2f}<br>predicted value %{y:,.2f}" +
                       "<br>churn probability %{customdata:.0%}<extra>" + g[0] + "</extra>"
      };
    });
    return draw("chart-vip-potential", traces, {showlegend: true, height: 380,
      xaxis: {title: {text: "current spend, last 8 weeks"}, rangemode: "tozero"},
      yaxis: {title: {text: "predicted value, next 14 days"}, rangemode: "tozero"}});
  }

  function inventoryTable(s) {
    var shown = 0;
    document.querySelectorAll("#inventory-alerts tbody tr").forEach(function (tr) {
      tr.hidden = !inRegion(s, tr.getAttribute("data-region"));
      if (!tr.hidden) { shown += 1; }
    });
    byId("inventory-shown").textContent = whole.format(shown);
  }

  function summary(s, picked) {
    var revenue = 0, transactions = 0;
    picked.forEach(function (r) { revenue += r.revenue; transactions += r.transactions; });
    els.summary.textContent = "Selection: " + money.format(revenue) + " sales in " + whole.format(transactions) +
      " transactions, " + s.from + " to " + s.to + ", " + (s.region || "all regions");
  }

  function render() {
    // data-rendered tells a watcher (a person's script, the tests) when every chart has been drawn.
    document.body.setAttribute("data-rendered", "false");
    var s = selection();
    var picked = sales.filter(function (r) { return inDates(s, r.sale_date) && inRegion(s, r.region); });
    summary(s, picked);
    inventoryTable(s);
    return Promise.all([salesByRegion(s, picked), salesByCustomerCountry(s), dailyTrend(s, picked),
                        monthlyTrend(s, picked), topFive(s),
                        discounts(s, picked), peakHours(s), vipPotential(s)])
      .then(function () { document.body.setAttribute("data-rendered", "true"); });
  }

  [els.from, els.to, els.region].forEach(function (el) { el.addEventListener("change", render); });
  els.reset.addEventListener("click", function () {
    els.from.value = DATA.first_date; els.to.value = DATA.latest_date; els.region.value = ""; render();
  });
  render();
})();
"""
