/* The import preview's small map: one circle per row with coordinates, its popup naming the file
   row and the area it lands in. Data comes from the page (script#import-map-data); no CDN, and a
   tile server that fails leaves the points on a plain background. */
(function () {
  "use strict";
  var dataNode = document.getElementById("import-map-data");
  var mapNode = document.getElementById("import-map");
  if (!dataNode || !mapNode || typeof L === "undefined") return;
  var data = JSON.parse(dataNode.textContent);
  var map = L.map(mapNode, { zoomControl: true, attributionControl: true });
  map.attributionControl.setPrefix(false);
  var tiles = L.tileLayer(mapNode.dataset.tileUrl, {
    attribution: mapNode.dataset.tileAttribution, maxZoom: 19, crossOrigin: false
  });
  tiles.on("tileerror", function () { mapNode.classList.add("import-map-no-tiles"); });
  tiles.addTo(map);
  var bounds = [];
  data.points.forEach(function (p) {
    var marker = L.circleMarker([p.lat, p.lon], {
      radius: 5, color: "#0b4f8a", weight: 1, fillColor: p.area ? "#0b4f8a" : "#b3001b", fillOpacity: 0.8
    });
    var text = "Rad " + p.row + ": " + (p.area || "utanför kommunens områden");
    // Text nodes, never HTML: area names come from the area file.
    var popup = document.createElement("span");
    popup.textContent = text;
    var tip = document.createElement("span");
    tip.textContent = text;
    marker.bindPopup(popup);
    marker.bindTooltip(tip);
    marker.addTo(map);
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length === 1) map.setView(bounds[0], 14);
  else map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
  mapNode.dataset.ready = "1";
  var caption = document.getElementById("import-map-caption");
  if (caption) {
    caption.textContent = data.points.length < data.total
      ? "Kartan visar de första " + data.points.length + " av " + data.total + " punkterna."
      : "Kartan visar alla " + data.total + " punkter. Röda punkter hamnar utanför kommunens områden.";
  }
}());
