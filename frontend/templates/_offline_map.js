/* Shared by the self-contained map files (weekly lägesbild, kvartalsanalys package): Leaflet is inlined
   beside this script, so the map works from file:// without network; tiles only when configured. */
function offlineEscape(text) {
  return String(text).replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
  });
}
function offlineRead(id) { return JSON.parse(document.getElementById(id).textContent); }
function offlineMap(areas, tiles, style, onEachFeature) {
  var map = L.map("map", { scrollWheelZoom: false });
  if (tiles.url) { L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 }).addTo(map); }
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Källa: SCB");
  var layer = L.geoJSON(areas, { style: style, onEachFeature: onEachFeature }).addTo(map);
  if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
  else { map.setView([62, 16], 4); }
  return layer;
}
function offlineCategoryList(categories) {
  var rows = categories.map(function (c) { return "<li>" + offlineEscape(c[0]) + ": " + c[1] + "</li>"; }).join("");
  return rows ? "<ul>" + rows + "</ul>" : "";
}
