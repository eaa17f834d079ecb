/* The weekly lägesbild map: areas coloured by status or count, report points per category with
   clustering, a heat layer, and an area panel. The area list beside the map opens the same panel
   from the keyboard. Everything is served by the app; tiles may fail without breaking the map. */
(function () {
  "use strict";
  var dataNode = document.getElementById("lagesbild-data");
  var mapNode = document.getElementById("lagesbild-map");
  if (!dataNode || !mapNode) return;
  var data = JSON.parse(dataNode.textContent);
  var areas = {};
  data.areas.forEach(function (a) { areas[a.code] = a; });

  var STATUS_COLOURS = { "grön": "#1e7b3a", "gul": "#f2c500", "orange": "#e06c00", "röd": "#b3001b" };
  var STATUS_LABELS = { "grön": "Grön", "gul": "Gul", "orange": "Orange", "röd": "Röd" };
  var COUNT_COLOURS = ["#f1f5fa", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];
  var CATEGORY_COLOURS = ["#0b4f8a", "#b3001b", "#1e7b3a", "#6a3d9a", "#8c510a", "#01665e",
                          "#c51b7d", "#4d4d4d", "#e06c00", "#3f007d"];
  var mode = "status";
  var maxCount = data.areas.reduce(function (m, a) { return Math.max(m, a.count); }, 0);

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function countBreaks() {
    // Five equal steps up to the week's maximum; 0 always gets the lightest colour.
    var step = Math.max(1, Math.ceil(maxCount / 4));
    return [0, 1, step + 1, 2 * step + 1, 3 * step + 1];
  }

  function countColour(count) {
    var breaks = countBreaks();
    var i = breaks.length - 1;
    while (i > 0 && count < breaks[i]) i--;
    return COUNT_COLOURS[i];
  }

  function styleFor(code) {
    var a = areas[code];
    var fill = "#cccccc";
    if (a) fill = mode === "status" ? (STATUS_COLOURS[a.status] || fill) : countColour(a.count);
    return { color: "#1b1f24", weight: 1, fillColor: fill, fillOpacity: mode === "status" ? 0.45 : 0.7 };
  }

  var map = L.map(mapNode, { zoomControl: true, attributionControl: true, zoomSnap: 0.25 });
  map.attributionControl.setPrefix(false);
  map.setView([59.27, 15.21], 11);
  var tiles = L.tileLayer(mapNode.dataset.tileUrl, {
    attribution: mapNode.dataset.tileAttribution, maxZoom: 19, crossOrigin: false
  });
  tiles.on("tileerror", function () { mapNode.classList.add("lb-no-tiles"); });
  tiles.addTo(map);
  // The tile layer brings its own (linked) attribution; add the others, e.g. "Källa: SCB".
  (data.attributions || []).forEach(function (text) {
    if (text.indexOf("Källa") === 0) map.attributionControl.addAttribution(text);
  });

  var overlays = {};
  var areaLayer = null;
  var layersByCode = {};

  function renderLegend() {
    var legend = document.getElementById("lb-legend");
    if (!legend) return;
    legend.textContent = "";
    legend.appendChild(el("p", { "class": "lb-legend-title" },
      mode === "status" ? "Teckenförklaring: status" : "Teckenförklaring: antal rapporter"));
    var list = el("ul");
    if (mode === "status") {
      Object.keys(STATUS_COLOURS).forEach(function (s) {
        var li = el("li");
        var sw = el("span", { "class": "lb-swatch", "aria-hidden": "true" });
        sw.style.background = STATUS_COLOURS[s];
        li.appendChild(sw);
        li.appendChild(document.createTextNode(" " + STATUS_LABELS[s]));
        list.appendChild(li);
      });
    } else {
      var breaks = countBreaks();
      breaks.forEach(function (b, i) {
        var li = el("li");
        var sw = el("span", { "class": "lb-swatch", "aria-hidden": "true" });
        sw.style.background = COUNT_COLOURS[i];
        var upper = i + 1 < breaks.length ? breaks[i + 1] - 1 : null;
        var text = i === 0 ? "0" : (upper === null ? b + " eller fler" : (b === upper ? "" + b : b + "–" + upper));
        li.appendChild(sw);
        li.appendChild(document.createTextNode(" " + text));
        list.appendChild(li);
      });
    }
    legend.appendChild(list);
    if (mode !== "status") {
      legend.appendChild(el("p", { "class": "lb-legend-note" }, data.population_known
        ? "Antal rapporter per 1 000 invånare visas i områdespanelen" +
          (data.population_sources.length ? " (" + data.population_sources.join(", ") + ")." : ".")
        : "Antalen är inte justerade för områdenas storlek: kommunen har inte läst in befolkning per område."));
    }
  }

  function trendSvg(area) {
    var values = area.trend || [];
    var max = Math.max.apply(null, values.concat([1]));
    var w = 240, h = 60, bw = w / Math.max(values.length, 1);
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 " + w + " " + (h + 2));
    svg.setAttribute("class", "lb-trend");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "Rapporter per vecka de senaste " + values.length + " veckorna: " + values.join(", "));
    values.forEach(function (v, i) {
      var bh = Math.round((v / max) * h);
      var r = document.createElementNS(ns, "rect");
      r.setAttribute("x", (i * bw + 1).toFixed(1));
      r.setAttribute("y", (h - bh).toFixed(1));
      r.setAttribute("width", (bw - 2).toFixed(1));
      r.setAttribute("height", Math.max(bh, 1));
      r.setAttribute("fill", i === values.length - 1 ? "#b3001b" : "#0b4f8a");
      svg.appendChild(r);
    });
    return svg;
  }

  function openPanel(code, focus) {
    var a = areas[code];
    var panel = document.getElementById("lb-area-panel");
    var body = document.getElementById("lb-area-panel-body");
    if (!a || !panel || !body) return;
    document.getElementById("lb-area-panel-heading").textContent = a.name;
    body.textContent = "";
    var status = el("p");
    status.appendChild(document.createTextNode("Status: "));
    status.appendChild(el("strong", {}, STATUS_LABELS[a.status] || a.status));
    status.appendChild(document.createTextNode(a.analyst_status
      ? " (satt av analytiker; förslaget var " + (STATUS_LABELS[a.suggested_status] || a.suggested_status).toLowerCase() + ")"
      : " (förslag)"));
    body.appendChild(status);
    if (a.motivering) body.appendChild(el("p", {}, "Motivering: " + a.motivering));
    body.appendChild(el("h4", {}, "Veckans rapporter: " + a.count));
    if (a.per_1000 !== null && a.per_1000 !== undefined) {
      body.appendChild(el("p", {}, a.per_1000.toLocaleString("sv-SE", { minimumFractionDigits: 1, maximumFractionDigits: 1 }) +
        " per 1 000 invånare (" + a.population.toLocaleString("sv-SE") + " invånare)"));
    }
    if (a.category_counts.length) {
      var table = el("table", { "class": "lb-panel-table" });
      var head = el("tr");
      head.appendChild(el("th", { scope: "col" }, "Kategori"));
      head.appendChild(el("th", { scope: "col", "class": "num" }, "Antal"));
      var thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
      var tbody = el("tbody");
      a.category_counts.forEach(function (c) {
        var row = el("tr");
        row.appendChild(el("td", {}, c.category_name));
        row.appendChild(el("td", { "class": "num" }, String(c.count)));
        tbody.appendChild(row);
      });
      table.appendChild(tbody);
      body.appendChild(table);
    }
    body.appendChild(el("h4", {}, "Trend, " + a.trend.length + " veckor"));
    body.appendChild(trendSvg(a));
    var weeks = data.trend_weeks || [];
    if (weeks.length) {
      body.appendChild(el("p", { "class": "muted" },
        "Vecka " + parseInt(weeks[0].slice(-2), 10) + "–" + parseInt(weeks[weeks.length - 1].slice(-2), 10) + ": " + a.trend.join(", ")));
    }
    if (a.emerging_text) {
      body.appendChild(el("h4", {}, "Mönster, 48 veckor"));
      body.appendChild(el("p", {}, a.emerging_text));
      body.appendChild(el("p", { "class": "muted" },
        "Förhöjt område prövat i tolv perioder om fyra veckor; trenden med Mann–Kendall-testet."));
    }
    body.appendChild(el("h4", {}, "Aktiva insatser"));
    if (a.insatser.length) {
      var ul = el("ul");
      a.insatser.forEach(function (t) { ul.appendChild(el("li", {}, t)); });
      body.appendChild(ul);
    } else {
      body.appendChild(el("p", { "class": "muted" }, "Inga aktiva insatser i området."));
    }
    panel.hidden = false;
    Object.keys(layersByCode).forEach(function (c) { layersByCode[c].setStyle(styleFor(c)); });
    if (layersByCode[code]) layersByCode[code].setStyle({ weight: 4, color: "#000000" });
    if (focus) panel.focus();
    else if (panel.scrollIntoView) panel.scrollIntoView({ block: "nearest" });
  }

  function addAreas(geojson) {
    areaLayer = L.geoJSON(geojson, {
      style: function (f) { return styleFor(f.properties.code); },
      onEachFeature: function (f, layer) {
        layersByCode[f.properties.code] = layer;
        var a = areas[f.properties.code];
        layer.bindTooltip(f.properties.name + (a ? ": " + a.count : ""), { sticky: true });
        layer.on("click", function () { openPanel(f.properties.code, false); });
      }
    }).addTo(map);
    overlays["Områden"] = areaLayer;
    if (areaLayer.getLayers().length) map.fitBounds(areaLayer.getBounds(), { padding: [10, 10] });
  }

  function popupFor(p) {
    var box = el("div");
    box.appendChild(el("strong", {}, p.category_name));
    box.appendChild(el("br"));
    box.appendChild(document.createTextNode(p.date + (p.time ? ", kl. " + p.time : "")));
    if (p.organisation) {
      box.appendChild(el("br"));
      box.appendChild(document.createTextNode("Källa: " + p.organisation));
    }
    return box;
  }

  function addPoints() {
    var byCategory = {};
    var order = [];
    data.points.forEach(function (p) {
      if (!byCategory[p.category_code]) { byCategory[p.category_code] = []; order.push(p.category_code); }
      byCategory[p.category_code].push(p);
    });
    order.forEach(function (code, i) {
      var colour = CATEGORY_COLOURS[i % CATEGORY_COLOURS.length];
      var group = L.markerClusterGroup({
        showCoverageOnHover: false, maxClusterRadius: 40,
        iconCreateFunction: function (cluster) {
          var n = cluster.getChildCount();
          return L.divIcon({ html: "<span>" + n + "</span>", className: "lb-cluster", iconSize: [30, 30] });
        }
      });
      byCategory[code].forEach(function (p) {
        var icon = L.divIcon({ className: "lb-point", html: "", iconSize: [12, 12] });
        var marker = L.marker([p.lat, p.lon], { icon: icon, keyboard: false, title: p.category_name + " " + p.date });
        marker.bindPopup(popupFor(p));
        marker.on("add", function () { if (marker._icon) marker._icon.style.background = colour; });
        group.addLayer(marker);
      });
      group.addTo(map);
      var name = byCategory[code][0].category_name;
      // A class, not a style attribute: the layer control parses this label as HTML, and the CSP
      // refuses inline style there.
      overlays['<span class="lb-swatch lb-category-' + (i % CATEGORY_COLOURS.length) + '"></span> ' +
               name.replace(/[<>&"]/g, "") + " (" + byCategory[code].length + ")"] = group;
    });
    if (L.heatLayer && data.points.length) {
      overlays["Värmekarta"] = L.heatLayer(
        data.points.map(function (p) { return [p.lat, p.lon, 1]; }), { radius: 20, blur: 15 });
    }
  }

  // Polisanmälda brott: the week's recorded offences per area, a layer of its own (off until chosen).
  function addOffences(geojson) {
    var counts = data.police_offences || {};
    var codes = Object.keys(counts);
    if (!codes.length) return;
    var most = Math.max.apply(null, codes.map(function (c) { return counts[c]; }));
    var total = codes.reduce(function (s, c) { return s + counts[c]; }, 0) + (data.police_offences_kommun || 0);
    var layer = L.geoJSON(geojson, {
      filter: function (f) { return counts[f.properties.code] > 0; },
      style: function (f) {
        return { color: "#4b1d6b", weight: 2, fillColor: "#6a2c91",
                 fillOpacity: 0.15 + 0.55 * counts[f.properties.code] / most };
      },
      onEachFeature: function (f, l) {
        l.bindTooltip(f.properties.name + ": " + counts[f.properties.code] + " polisanmälda brott", { sticky: true });
      }
    });
    overlays['<span class="lb-swatch lb-offences"></span> Polisanmälda brott (' + total + ")"] = layer;
  }

  function start(geojson) {
    addAreas(geojson);
    addOffences(geojson);
    addPoints();
    L.control.layers(null, overlays, { collapsed: true }).addTo(map);
    renderLegend();
    mapNode.dataset.ready = "1";
  }

  fetch(mapNode.dataset.geojson, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(start)
    .catch(function () {
      mapNode.insertAdjacentHTML("afterend",
        '<p class="notice notice-error">Områdena kunde inte laddas. Listan och avsnitten nedan visar samma uppgifter.</p>');
      start({ type: "FeatureCollection", features: [] });
    });

  document.querySelectorAll("input[name=lb-mode]").forEach(function (input) {
    input.addEventListener("change", function () {
      mode = input.value;
      if (areaLayer) areaLayer.setStyle(function (f) { return styleFor(f.properties.code); });
      renderLegend();
    });
  });
  document.querySelectorAll(".lb-area-button").forEach(function (button) {
    button.addEventListener("click", function () {
      var code = button.getAttribute("data-area");
      openPanel(code, true);
      if (layersByCode[code]) map.fitBounds(layersByCode[code].getBounds(), { maxZoom: 14 });
    });
  });
})();
