/* The weekly report form, enhanced: category help, "under veckan", place autocomplete (ARIA
   combobox) and a map to set a point. Everything works without this file; it only helps. */
(function () {
  "use strict";

  function each(root, selector, fn) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
  }

  // --- category help text follows the chosen category ------------------------------------------
  function setupCategory(fieldset) {
    var select = fieldset.querySelector("[data-category-select]");
    var help = fieldset.querySelector("[data-category-help]");
    if (!select || !help) return;
    var fallback = help.textContent;
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      help.textContent = (option && option.getAttribute("data-help")) || fallback;
    });
  }

  // --- "under veckan" hides date and time ----------------------------------------------------
  function setupWhen(fieldset) {
    var day = fieldset.querySelector("[data-when-day]");
    var radios = fieldset.querySelectorAll("[data-when]");
    function update() {
      var weekMode = Array.prototype.some.call(radios, function (r) {
        return r.checked && r.value === "vecka";
      });
      if (day) day.hidden = weekMode;
    }
    Array.prototype.forEach.call(radios, function (r) { r.addEventListener("change", update); });
    update();
  }

  // --- place autocomplete: an ARIA 1.2 combobox over /api/v1/places ----------------------------
  var comboboxCount = 0;

  function setupAutocomplete(fieldset) {
    var input = fieldset.querySelector("[data-place-input]");
    var hiddenId = fieldset.querySelector("[data-place-id]");
    if (!input || !window.fetch) return;
    comboboxCount += 1;
    var listId = "platsforslag-" + comboboxCount;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Förslag på platser");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    input.parentNode.appendChild(list);
    input.parentNode.appendChild(status);
    input.removeAttribute("list"); // the JSON suggestions replace the plain <datalist>
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var items = [];
    var active = -1;
    var timer = null;
    var lastQuery = "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      active = index;
      each(list, "li", function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", listId + "-" + index);
        list.children[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function choose(index) {
      var item = items[index];
      if (!item) return;
      input.value = item.namn;
      hiddenId.value = String(item.id);
      status.textContent = item.namn + " vald" + (item.omrade ? ", område " + item.omrade : "") + ".";
      close();
    }
    function show(data) {
      items = data;
      list.textContent = "";
      data.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = item.namn;
        if (item.traff && item.traff !== item.namn) li.textContent += " (" + item.traff + ")";
        if (item.omrade && item.omrade !== item.namn) {
          var area = document.createElement("span");
          area.className = "muted";
          area.textContent = " – " + item.omrade;
          li.appendChild(area);
        }
        li.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep focus in the input
          choose(i);
        });
        list.appendChild(li);
      });
      var open = data.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      active = -1;
      status.textContent = open
        ? data.length + " förslag. Använd pil upp och pil ned, välj med Enter."
        : "Inga förslag. Beskriv platsen med egna ord i stället.";
    }
    function lookup() {
      var query = input.value.trim();
      if (query === lastQuery) return;
      lastQuery = query;
      if (query.length < 2) { show([]); status.textContent = ""; return; }
      fetch("/api/v1/places?q=" + encodeURIComponent(query), {
        credentials: "same-origin", headers: { Accept: "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (data) { if (input.value.trim() === query) show(data); })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      hiddenId.value = ""; // the typed text no longer is the picked place
      clearTimeout(timer);
      timer = setTimeout(lookup, 150);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && items.length > 0;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { lastQuery = ""; lookup(); return; }
        highlight(active < items.length - 1 ? active + 1 : 0);
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active > 0 ? active - 1 : items.length - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault(); // picking a place must not send the report
        choose(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  // --- map: an optional way to set a point -------------------------------------------------------
  function setupMap(fieldset, form) {
    var field = fieldset.querySelector("[data-map-field]");
    if (!field || !window.L) return;
    var toggle = field.querySelector("[data-map-toggle]");
    var panel = field.querySelector(".map-panel");
    var container = field.querySelector("[data-map]");
    var statusText = field.querySelector("[data-map-status]");
    var lat = fieldset.querySelector("[data-lat]");
    var lon = fieldset.querySelector("[data-lon]");
    var map = null;
    var marker = null;
    field.hidden = false;

    function setPoint(latlng) {
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      if (marker) marker.setLatLng(latlng);
      else marker = L.marker(latlng, { alt: "Vald punkt", keyboard: false }).addTo(map);
      statusText.textContent = "Vald punkt: " + lat.value + ", " + lon.value;
    }
    function open() {
      if (map) return;
      map = L.map(container, { zoomControl: true });
      map.zoomControl.getContainer().querySelectorAll("a").forEach(function (a) {
        var label = a.classList.contains("leaflet-control-zoom-in") ? "Zooma in" : "Zooma ut";
        a.setAttribute("title", label);
        a.setAttribute("aria-label", label);
      });
      map.attributionControl.setPrefix(false);
      L.tileLayer(form.getAttribute("data-tile-url"), {
        attribution: form.getAttribute("data-attribution"), maxZoom: 19
      }).addTo(map); // a tile that fails to load leaves a grey square; the point still works
      var bounds = form.getAttribute("data-bounds");
      if (lat.value && lon.value) {
        map.setView([parseFloat(lat.value), parseFloat(lon.value)], 15);
        setPoint(L.latLng(parseFloat(lat.value), parseFloat(lon.value)));
      } else if (bounds) {
        map.fitBounds(JSON.parse(bounds));
      } else {
        map.setView([62.0, 15.0], 5);
      }
      map.on("click", function (event) { setPoint(event.latlng); });
    }
    toggle.addEventListener("click", function () {
      var opening = panel.hidden;
      panel.hidden = !opening;
      toggle.setAttribute("aria-expanded", opening ? "true" : "false");
      if (opening) { open(); map.invalidateSize(); }
    });
    field.querySelector("[data-map-center]").addEventListener("click", function () {
      if (map) setPoint(map.getCenter());
    });
    field.querySelector("[data-map-clear]").addEventListener("click", function () {
      lat.value = "";
      lon.value = "";
      if (marker) { marker.remove(); marker = null; }
      statusText.textContent = "Ingen punkt vald.";
    });
  }

  // --- the week select keeps the date pickers inside the chosen week ----------------------------
  function setupWeek(form) {
    var select = form.querySelector("[data-week-select]");
    if (!select) return;
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      each(form, "[data-week-date]", function (input) {
        input.min = option.getAttribute("data-monday");
        input.max = option.getAttribute("data-sunday");
        if (input.value && (input.value < input.min || input.value > input.max)) input.value = "";
      });
    });
  }

  each(document, "form.report-form", function (form) {
    setupWeek(form);
    each(form, "fieldset.observation", function (fieldset) {
      setupCategory(fieldset);
      setupWhen(fieldset);
      setupAutocomplete(fieldset);
      setupMap(fieldset, form);
    });
  });
  var summary = document.getElementById("fel-sammanfattning");
  if (summary) summary.focus();
})();
