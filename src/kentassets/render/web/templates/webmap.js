/* kentassets web maps: markers, hulls, search, fullscreen, minimap and measure tool.
 *
 * Security model: every string that comes from an input file reaches the page
 * only through textContent / createTextNode. The only innerHTML assignments take
 * HTML that Python built with kentassets.safety.escape_html (fields ending in
 * "_html"). Data arrive as JSON written by kentassets.safety.json_for_script.
 */
(function () {
  "use strict";

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  var SHAPES = {
    "circle": '<circle cx="8" cy="8" r="5.5"/>',
    "square": '<rect x="3" y="3" width="10" height="10"/>',
    "triangle": '<polygon points="8,2 14,13.5 2,13.5"/>',
    "diamond": '<polygon points="8,1.5 14.5,8 8,14.5 1.5,8"/>',
    "triangle-down": '<polygon points="2,2.5 14,2.5 8,14"/>',
    "plus": '<polygon points="6,2 10,2 10,6 14,6 14,10 10,10 10,14 6,14 6,10 2,10 2,6 6,6"/>',
    "cross": '<polygon points="3,1.5 8,6.2 13,1.5 14.5,3 9.8,8 14.5,13 13,14.5 8,9.8 3,14.5 1.5,13 6.2,8 1.5,3"/>',
    "star": '<polygon points="8,1 9.9,5.8 15,6.1 11,9.3 12.4,14.3 8,11.5 3.6,14.3 5,9.3 1,6.1 6.1,5.8"/>',
    "hexagon": '<polygon points="8,1.5 13.6,4.8 13.6,11.2 8,14.5 2.4,11.2 2.4,4.8"/>',
    "triangle-left": '<polygon points="2,8 13.5,2 13.5,14"/>'
  };
  var ICON_FULLSCREEN = '<svg width="16" height="16" viewBox="0 0 16 16" fill="none" ' +
    'stroke="#222" stroke-width="2"><path d="M1 6V1h5M10 1h5v5M15 10v5h-5M6 15H1v-5"/></svg>';
  var ICON_MEASURE = '<svg width="18" height="18" viewBox="0 0 18 18" fill="none" ' +
    'stroke="#222" stroke-width="1.6"><rect x="1" y="6" width="16" height="6" rx="1"/>' +
    '<path d="M4 6v3M7 6v2M10 6v3M13 6v2"/></svg>';
  var COLOUR_RE = /^#[0-9A-Fa-f]{6}$/;

  function shapeSvg(shape, colour, hollow, size) {
    var body = SHAPES[shape] || SHAPES.circle;
    var c = COLOUR_RE.test(colour) ? colour : "#555555";
    var fill = hollow ? "#ffffff" : c;
    var stroke = hollow ? c : "#ffffff";
    var s = size || 16;
    return '<svg xmlns="http://www.w3.org/2000/svg" width="' + s + '" height="' + s +
      '" viewBox="0 0 16 16"><g fill="' + fill + '" stroke="' + stroke +
      '" stroke-width="' + (hollow ? 2 : 1.2) + '" stroke-linejoin="round">' + body + "</g></svg>";
  }

  function fmtNumber(v, digits) {
    if (v === null || v === undefined || v === "" || isNaN(v)) { return ""; }
    return Number(v).toLocaleString("en-GB", {maximumFractionDigits: digits || 0});
  }
  function fmtMoney(v) {
    if (v === null || v === undefined || v === "" || isNaN(v)) { return ""; }
    return "\u00a3" + Number(v).toLocaleString("en-GB", {maximumFractionDigits: 0});
  }

  function fillSwatches(root) {
    var nodes = root.querySelectorAll(".kent-swatch[data-shape]");
    for (var i = 0; i < nodes.length; i++) {
      var n = nodes[i];
      n.innerHTML = shapeSvg(n.getAttribute("data-shape"), n.getAttribute("data-colour"),
        n.getAttribute("data-hollow") === "1", 14);
    }
  }

  /* ---- controls -------------------------------------------------------- */

  function htmlControl(position, cls, html) {
    var Ctl = L.Control.extend({
      onAdd: function () {
        var div = el("div", "kent-panel " + cls);
        div.innerHTML = html;  /* built by Python with escape_html */
        fillSwatches(div);
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      }
    });
    return new Ctl({position: position});
  }

  function buttonBar(map, buttons) {
    var Ctl = L.Control.extend({
      onAdd: function () {
        var bar = el("div", "leaflet-bar kent-buttons");
        buttons.forEach(function (b) {
          var a = el("a", "kent-btn");
          a.innerHTML = b.icon;  /* constant SVG defined below */
          a.href = "#";
          a.title = b.title;
          a.setAttribute("role", "button");
          a.setAttribute("aria-label", b.title);
          a.setAttribute("data-tool", b.name);
          L.DomEvent.on(a, "click", function (e) {
            L.DomEvent.preventDefault(e);
            L.DomEvent.stopPropagation(e);
            b.action(a);
          });
          bar.appendChild(a);
        });
        L.DomEvent.disableClickPropagation(bar);
        return bar;
      }
    });
    return new Ctl({position: "topleft"}).addTo(map);
  }

  function toggleFullscreen(map) {
    var container = map.getContainer();
    var doc = document;
    var isFull = doc.fullscreenElement || container.classList.contains("kent-pseudo-full");
    if (isFull) {
      if (doc.fullscreenElement && doc.exitFullscreen) { doc.exitFullscreen(); }
      container.classList.remove("kent-pseudo-full");
    } else if (container.requestFullscreen && doc.fullscreenEnabled) {
      container.requestFullscreen().catch(function () {
        container.classList.add("kent-pseudo-full");
      });
    } else {
      container.classList.add("kent-pseudo-full");
    }
    setTimeout(function () { map.invalidateSize(); }, 200);
  }

  function Measure(map) {
    this.map = map;
    this.active = false;
    this.points = [];
    this.layer = L.layerGroup().addTo(map);
    this.line = null;
    this.label = null;
  }
  Measure.prototype.formatDistance = function (m) {
    return m < 1000 ? Math.round(m) + " m" : (m / 1000).toFixed(2) + " km";
  };
  Measure.prototype.total = function () {
    var d = 0;
    for (var i = 1; i < this.points.length; i++) {
      d += this.map.distance(this.points[i - 1], this.points[i]);
    }
    return d;
  };
  Measure.prototype.add = function (latlng) {
    this.points.push(latlng);
    L.circleMarker(latlng, {radius: 3, color: "#000", weight: 1, fillColor: "#fff",
      fillOpacity: 1, interactive: false}).addTo(this.layer);
    if (!this.line) {
      this.line = L.polyline(this.points, {color: "#000", weight: 2, dashArray: "6 4",
        interactive: false}).addTo(this.layer);
    } else {
      this.line.setLatLngs(this.points);
    }
    var text = this.points.length < 2 ? "Click the next point" :
      "Distance: " + this.formatDistance(this.total());
    if (!this.label) {
      this.label = L.tooltip({permanent: true, direction: "right", className: "kent-measure-label"})
        .setLatLng(latlng).setContent(el("span", null, text));
      this.layer.addLayer(this.label);
    } else {
      this.label.setLatLng(latlng).setContent(el("span", null, text));
    }
    this.map.getContainer().setAttribute("data-measure-m", String(Math.round(this.total())));
  };
  Measure.prototype.toggle = function (button) {
    this.active = !this.active;
    if (button) { button.classList.toggle("kent-btn-on", this.active); }
    this.map.getContainer().classList.toggle("kent-measuring", this.active);
    if (this.active) {
      this.layer.clearLayers();
      this.points = [];
      this.line = null;
      this.label = null;
      this.map.doubleClickZoom.disable();
    } else {
      this.map.doubleClickZoom.enable();
    }
  };

  function addMinimap(map, layers, tile) {
    var Ctl = L.Control.extend({
      onAdd: function () {
        var div = el("div", "kent-minimap");
        div.title = "Overview: click to move the map here";
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      }
    });
    var ctl = new Ctl({position: "bottomright"}).addTo(map);
    var mini = L.map(ctl.getContainer(), {
      attributionControl: false, zoomControl: false, dragging: false,
      scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false,
      keyboard: false, touchZoom: false, zoomSnap: 0.25
    });
    var bounds = null;
    var outlines = [];
    layers.forEach(function (gj) {
      if (!gj || !gj.features || !gj.features.length) { return; }
      var l = L.geoJSON(gj, {interactive: false, style: {color: "#555", weight: 1,
        fillColor: "#ccc", fillOpacity: 0.3}});
      outlines.push(l);
      bounds = bounds ? bounds.extend(l.getBounds()) : L.latLngBounds(l.getBounds().getSouthWest(), l.getBounds().getNorthEast());
    });
    if (bounds && bounds.isValid()) { mini.fitBounds(bounds, {padding: [4, 4]}); }
    else { mini.setView(map.getCenter(), Math.max(map.getZoom() - 4, 0)); }
    if (tile) { L.tileLayer(tile.url, {subdomains: tile.subdomains || "abc"}).addTo(mini); }
    outlines.forEach(function (l) { l.addTo(mini); });
    var rect = L.rectangle(map.getBounds(), {color: "#E66100", weight: 2, fillOpacity: 0.1,
      interactive: false}).addTo(mini);
    function sync() { rect.setBounds(map.getBounds()); }
    map.on("moveend zoomend resize", sync);
    mini.on("click", function (e) { map.panTo(e.latlng); });
    setTimeout(function () {
      mini.invalidateSize();
      if (bounds && bounds.isValid()) { mini.fitBounds(bounds, {padding: [4, 4]}); }
      sync();
    }, 0);
    return mini;
  }

  /* ---- asset records ----------------------------------------------------- */

  function row(table, label, value) {
    if (value === null || value === undefined || value === "") { return; }
    var tr = el("tr");
    tr.appendChild(el("th", null, label));
    tr.appendChild(el("td", null, value));
    table.appendChild(tr);
  }

  function assetRecord(data, i) {
    var a = data.assets;
    var lk = data.lookups;
    var ag = data.agencies[a.ag[i]];
    var box = el("div", "kent-card kent-asset-card");
    var head = el("div", "kent-card-head");
    var sw = el("span", "kent-swatch");
    sw.innerHTML = shapeSvg(ag.shape, ag.colour, a.sens[i] === 1, 14);  /* no input text */
    head.appendChild(sw);
    head.appendChild(el("strong", null, a.name[i]));
    box.appendChild(head);
    var t = el("table", "kent-record");
    row(t, "Agency", ag.name);
    row(t, "Asset id", a.id[i]);
    row(t, "Use", lk.use[a.use[i]]);
    row(t, "Tenure", lk.tenure[a.tenure[i]]);
    row(t, "Floor area", a.gia[i] === null ? "" : fmtNumber(a.gia[i]) + " m\u00b2");
    row(t, "Staff", a.staff[i] === null ? "" : fmtNumber(a.staff[i], 1) + " FTE");
    row(t, "Running cost", a.cost[i] === null ? "" : fmtMoney(a.cost[i]) + " a year");
    row(t, "Status", lk.status[a.status[i]]);
    row(t, "Address", a.addr[i]);
    row(t, "Postcode", a.pc[i]);
    var method = lk.method[a.method[i]];
    if (a.sens[i] === 1) {
      row(t, "Location", "generalised to the centre of its 1 km grid square");
    } else if (method) {
      row(t, "Location", method + (a.prec[i] === null ? "" : ", within " +
        fmtNumber(a.prec[i]) + " m"));
    }
    row(t, "Co-location", a.coloc[i]);
    var src = lk.file[a.file[i]];
    if (src) { row(t, "Source", src + (a.row[i] === null ? "" : ", row " + a.row[i])); }
    box.appendChild(t);
    return box;
  }

  /* ---- search ------------------------------------------------------------- */

  function addSearch(map, entries, onPick, placeholder) {
    var Ctl = L.Control.extend({
      onAdd: function () {
        var div = el("div", "kent-panel kent-search");
        var input = el("input");
        input.type = "search";
        input.placeholder = placeholder || "Search name, asset id or co-location id";
        input.setAttribute("aria-label", "Search assets and co-locations");
        var list = el("ul", "kent-results");
        div.appendChild(input);
        div.appendChild(list);
        var lower = null;
        function run() {
          var q = input.value.trim().toLowerCase();
          list.textContent = "";
          if (q.length < 2) { return; }
          if (!lower) {
            /* built on first use: nothing to pay when the map opens */
            if (typeof entries === "function") { entries = entries(); }
            lower = entries.map(function (e) { return e.key.toLowerCase(); });
          }
          var found = 0;
          for (var i = 0; i < entries.length && found < 12; i++) {
            if (lower[i].indexOf(q) !== -1) {
              var li = el("li", "kent-result");
              li.appendChild(el("span", "kent-result-label", entries[i].label));
              li.appendChild(el("span", "kent-result-kind", entries[i].kind));
              li.tabIndex = 0;
              (function (entry) {
                L.DomEvent.on(li, "click", function () { onPick(entry); });
                L.DomEvent.on(li, "keydown", function (e) {
                  if (e.key === "Enter") { onPick(entry); }
                });
              })(entries[i]);
              list.appendChild(li);
              found += 1;
            }
          }
          if (!found) { list.appendChild(el("li", "kent-noresult", "No match")); }
        }
        L.DomEvent.on(input, "input", run);
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      }
    });
    return new Ctl({position: "topright"}).addTo(map);
  }

  /* ---- shared map furniture ------------------------------------------------ */

  function baseLayers(map, data) {
    var bases = {};
    var first = null;
    (data.tiles || []).forEach(function (t) {
      var layer = L.tileLayer(t.url, {attribution: t.attribution, maxZoom: t.max_zoom || 19,
        subdomains: t.subdomains || "abc"});
      bases[t.name] = layer;
      if (!first || t.default) { first = layer; }
    });
    bases["No base map"] = L.layerGroup();
    (first || bases["No base map"]).addTo(map);
    return bases;
  }

  function furniture(map, data, measure) {
    L.control.scale({imperial: false, position: "bottomleft"}).addTo(map);
    buttonBar(map, [
      {name: "fullscreen", icon: ICON_FULLSCREEN, title: "Full screen",
        action: function () { toggleFullscreen(map); }},
      {name: "measure", icon: ICON_MEASURE, title: "Measure a distance (click points; click again to stop)",
        action: function (a) { measure.toggle(a); }}
    ]);
    map.on("click", function (e) { if (measure.active) { measure.add(e.latlng); } });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && measure.active) { measure.toggle(document.querySelector(".kent-btn[data-tool=measure]")); }
    });
  }

  function fit(map, data) {
    if (!data.bounds) { return; }
    /* keep the data clear of the title block when the window is wide enough */
    var size = map.getSize();
    var title = map.getContainer().querySelector(".kent-title");
    var left = 10;
    if (title && size.x > 900) { left = title.offsetWidth + 20; }
    map.fitBounds(data.bounds, {paddingTopLeft: [left, 10], paddingBottomRight: [10, 10]});
  }

  /* What every map has: the global state for tests, base layers, zoom, the tool
     buttons and the title block. */
  function setUp(map, data, state) {
    window.kentassets = state;
    map.attributionControl.setPrefix("Leaflet");
    var bases = baseLayers(map, data);
    L.control.zoom({position: "topleft"}).addTo(map);
    var measure = new Measure(map);
    furniture(map, data, measure);
    if (data.title_html) { htmlControl("topleft", "kent-title", data.title_html).addTo(map); }
    return {bases: bases, measure: measure};
  }

  /* The layer control and the legend. Leaflet inserts layer names as HTML, so it
     is given escaped names, which it then shows as text. */
  function layerControl(map, data, bases, overlays) {
    function escapedNames(layers) {
      var out = {};
      Object.keys(layers).forEach(function (k) { out[escapeText(k)] = layers[k]; });
      return out;
    }
    L.control.layers(escapedNames(bases), escapedNames(overlays),
      {collapsed: true, position: "topright"}).addTo(map);
    if (data.legend_html) { htmlControl("bottomleft", "kent-legend", data.legend_html).addTo(map); }
  }

  /* ---- map context (towns, coast, water, roads) ------------------------------
     Drawn in a pane beneath the tiles: hidden where tiles load, and the whole map
     when they cannot (no internet) or are switched off, so a map never comes up
     blank. Names are text nodes (never HTML). */
  var CONTEXT_NAME = "Built-in map: towns, coast, water";
  var CONTEXT_MIN_RANK_ZOOM = [0, 0, 9, 10, 11, 12];  /* rank r shows from this zoom */

  function contextLayer(map, ctx) {
    if (!ctx) { return null; }
    var paneName = "kentContext";
    if (!map.getPane(paneName)) {
      var pane = map.createPane(paneName);
      pane.style.zIndex = 150;
      pane.style.pointerEvents = "none";
    }
    var st = ctx.style, group = L.layerGroup();
    function area(geom, colour) {
      if (!geom) { return; }
      L.geoJSON(geom, {pane: paneName, interactive: false,
        style: {stroke: false, fill: true, fillColor: colour, fillOpacity: 1}}).addTo(group);
    }
    function line(geom, colour, weight, dash) {
      if (!geom) { return; }
      L.geoJSON(geom, {pane: paneName, interactive: false,
        style: {color: colour, weight: weight, opacity: 1, fill: false, dashArray: dash || null,
          lineCap: "round", lineJoin: "round"}}).addTo(group);
    }
    area(ctx.sea, st.sea);
    area(ctx.builtup, st.builtup);
    area(ctx.water, st.water);
    line(ctx.rivers, st.river, 1.2);
    line(ctx.rail, st.rail, 1.2, "4 3");
    var roads = ctx.roads || {};
    line(roads.b_road, st.b_road, 1.5);
    line(roads.a_road, st.a_road, 2.2);
    line(roads.motorway, st.motorway, 3);
    var names = [];
    (ctx.places || []).forEach(function (p) {
      var span = el("span", null, p[2]);
      var mk = L.marker([p[0], p[1]], {pane: paneName, interactive: false, keyboard: false,
        icon: L.divIcon({className: "kent-place kent-place-r" + p[3], html: span,
          iconSize: null})});
      mk.kentRank = p[3];
      mk.kentText = p[2];
      names.push(mk);
      mk.addTo(group);
    });
    function declutter() {
      var zoom = map.getZoom(), placed = [], view = map.getBounds().pad(0.1);
      names.forEach(function (mk) {
        var node = mk.getElement();
        if (!node) { return; }
        var minZoom = CONTEXT_MIN_RANK_ZOOM[mk.kentRank] || 12;
        if (zoom < minZoom || !view.contains(mk.getLatLng())) {
          node.style.display = "none";
          return;
        }
        var pt = map.latLngToContainerPoint(mk.getLatLng());
        var w = 7 * String(mk.kentText).length + 6;
        var box = {x0: pt.x - w / 2, x1: pt.x + w / 2, y0: pt.y - 9, y1: pt.y + 9};
        var clash = placed.some(function (b) {
          return box.x0 < b.x1 && box.x1 > b.x0 && box.y0 < b.y1 && box.y1 > b.y0;
        });
        node.style.display = clash ? "none" : "";
        if (!clash) { placed.push(box); }
      });
    }
    group.kentDeclutter = declutter;
    map.on("zoomend moveend", function () { if (map.hasLayer(group)) { declutter(); } });
    group.on("add", function () { setTimeout(declutter, 0); });
    group.addTo(map);
    declutter();
    if (ctx.attribution) { map.attributionControl.addAttribution(escapeText(ctx.attribution)); }
    map.getContainer().setAttribute("data-context-places", String(names.length));
    return group;
  }

  /* ---- service reach ----------------------------------------------------------
     One overlay per service, off by default: hexagons of the district's people
     shaded by the distance to the nearest site. The cells are drawn when a layer
     is first switched on; figures reach the page as text nodes only. */
  function reachCellText(svc, r, i) {
    var lines = ["Service reach: " + svc.label, svc.mean_m[i] === null ? "no site reachable" :
      fmtDistance(svc.mean_m[i]) + " to the nearest site on average"];
    if (svc.within[i] !== null) { lines.push(svc.within[i] + "% within " + r.headline); }
    lines.push(fmtNumber((svc.people || r.people)[i]) + " people" +
      (r.estimate ? " (estimate)" : ""));
    return lines;
  }
  function fmtDistance(m) {
    return m < 1000 ? fmtNumber(m) + " m" : fmtNumber(m / 1000, 1) + " km";
  }
  function reachColour(r, metres) {
    if (metres === null) { return r.none_colour; }
    var band = 0;
    while (band < r.thresholds_m.length && metres > r.thresholds_m[band]) { band += 1; }
    return r.bands[band].colour;
  }
  function reachLayers(map, r, overlays, state) {
    if (!r || !r.services || !r.services.length) { return; }
    if (!map.getPane("kentReach")) { map.createPane("kentReach").style.zIndex = 350; }
    var legend = htmlControl("bottomright", "kent-legend kent-reach-legend", r.legend_html);
    var shown = 0;
    state.reachCells = r.lat.length;
    r.services.forEach(function (svc) {
      var group = L.featureGroup();
      var drawn = false;
      function draw() {
        var people = svc.people || r.people;
        for (var i = 0; i < r.lat.length; i++) {
          if (!people[i]) { continue; }  /* no one here stands for this service */
          var ring = r.corners.map(function (c) { return [r.lat[i] + c[0], r.lon[i] + c[1]]; });
          var colour = reachColour(r, svc.mean_m[i]);
          var cell = L.polygon(ring, {pane: "kentReach", color: colour, weight: 0.5,
            opacity: 0.9, fillColor: colour, fillOpacity: 0.6, className: "kent-reach-cell"});
          cell.kentLines = reachCellText(svc, r, i);
          group.addLayer(cell);
        }
        group.on("mouseover", function (e) {
          var l = e.layer;
          if (l && !l.getTooltip()) {
            l.bindTooltip(el("span", null, l.kentLines.join(" \u00b7 ")), {sticky: true}).openTooltip();
          }
        });
        group.on("click", function (e) {
          var box = el("div", "kent-card kent-reach-card");
          e.layer.kentLines.forEach(function (line, k) {
            box.appendChild(el(k === 0 ? "strong" : "div", null, line));
          });
          L.popup({maxWidth: 320}).setLatLng(e.latlng).setContent(box).openOn(map);
        });
        drawn = true;
      }
      group.on("add", function () {
        if (!drawn) { draw(); }
        group.eachLayer(function (l) {
          var path = l.getElement && l.getElement();
          if (path) { path.setAttribute("data-service", svc.name); }
        });
        shown += 1;
        if (shown === 1) { legend.addTo(map); }
      });
      group.on("remove", function () {
        shown -= 1;
        if (shown === 0) { map.removeControl(legend); }
      });
      overlays["Service reach: " + svc.label] = group;
    });
  }

  /* ---- district map --------------------------------------------------------- */

  function districtMap(map, data) {
    var state = {markers: 0, hulls: 0, assets: data.assets.n, ready: false};
    var made = setUp(map, data, state), bases = made.bases, measure = made.measure;
    fit(map, data);  /* before adding layers, so clusters are computed once */

    var overlays = {};
    var context = contextLayer(map, data.context);
    if (context) { overlays[CONTEXT_NAME] = context; }
    var neighbours = L.geoJSON(data.neighbours, {interactive: false,
      style: {color: data.style.neighbour_edge, weight: 1, dashArray: "4 3", fill: false}});
    /* neighbour names, faint, as text nodes */
    (data.neighbours.features || []).forEach(function (f) {
      if (!f.properties || !f.properties.label || !f.properties.name) { return; }
      L.marker(f.properties.label, {interactive: false, keyboard: false,
        icon: L.divIcon({className: "kent-neighbour-label",
          html: el("span", null, f.properties.name), iconSize: null})}).addTo(neighbours);
    });
    neighbours.addTo(map);
    var district = L.geoJSON(data.district, {interactive: false,
      style: {color: data.style.district_edge, weight: 3, fill: true, fillColor: "#ffffff",
        fillOpacity: 0.0}});
    district.addTo(map);
    overlays["District boundary"] = district;
    overlays["Neighbouring districts"] = neighbours;

    /* hulls */
    var hullLayer = L.featureGroup();
    var labels = L.layerGroup();
    var labelList = [];  /* in rank order: better-ranked labels win collisions */
    /* with many co-locations, label them only when zoomed in */
    var labelZoom = data.hulls.length > 150 ? 14 : (data.hulls.length > 40 ? 12 : 0);
    var hullById = {};
    data.hulls.forEach(function (h) {
      var poly = L.geoJSON(h.geometry, {style: {color: data.style.hull, weight: 2,
        fillColor: data.style.hull, fillOpacity: 0.18}});
      /* labels are markers, not permanent tooltips: tooltips force a layout each */
      var label = el("span", null, h.id);
      var labelMarker = L.marker(h.label_point, {interactive: false, keyboard: false,
        icon: L.divIcon({className: "kent-hull-label", html: label, iconSize: null})});
      labelMarker.kentText = h.id;
      labels.addLayer(labelMarker);
      labelList.push(labelMarker);
      poly.bindPopup(function () {
        var card = el("div", "kent-card kent-hull-card");
        card.innerHTML = h.card_html;  /* built by Python with escape_html */
        return card;
      }, {maxWidth: 560, minWidth: 380, autoPanPadding: [20, 20]});
      poly.on("click", function (e) {
        if (measure.active) { poly.closePopup(); measure.add(e.latlng); }
      });
      poly.kentId = h.id;
      hullLayer.addLayer(poly);
      hullById[h.id] = poly;
      state.hulls += 1;
    });
    hullLayer.addTo(map);
    hullLayer.eachLayer(function (poly) {
      poly.eachLayer(function (l) {
        var path = l.getElement && l.getElement();
        if (path) {
          path.classList.add("kent-hull");
          path.setAttribute("data-colocation", poly.kentId);
        }
      });
    });
    function declutter() {
      /* hide labels that would overlap a better-ranked one (greedy, screen space) */
      var placed = [];
      var view = map.getBounds().pad(0.2);
      labelList.forEach(function (mk) {
        var node = mk.getElement();
        if (!node) { return; }
        var ll = mk.getLatLng();
        if (!view.contains(ll)) { node.style.display = "none"; return; }
        var pt = map.latLngToContainerPoint(ll);
        var w = 7 * String(mk.kentText).length + 10;
        var box = {x0: pt.x - w / 2, x1: pt.x + w / 2, y0: pt.y - 20, y1: pt.y};
        var clash = placed.some(function (b) {
          return box.x0 < b.x1 && box.x1 > b.x0 && box.y0 < b.y1 && box.y1 > b.y0;
        });
        node.style.display = clash ? "none" : "";
        if (!clash) { placed.push(box); }
      });
    }
    function syncLabels() {
      var show = map.hasLayer(hullLayer) && map.getZoom() >= labelZoom;
      if (show && !map.hasLayer(labels)) { labels.addTo(map); }
      if (!show && map.hasLayer(labels)) { map.removeLayer(labels); }
      if (show) { declutter(); }
    }
    map.on("zoomend moveend overlayadd overlayremove", syncLabels);
    overlays["Co-locations (" + data.hulls.length + ")"] = hullLayer;

    /* markers */
    var a = data.assets;
    var icons = data.agencies.map(function (ag) {
      return [false, true].map(function (hollow) {
        return L.divIcon({className: "kent-marker", html: shapeSvg(ag.shape, ag.colour, hollow, 16),
          iconSize: [16, 16], iconAnchor: [8, 8], popupAnchor: [0, -6], tooltipAnchor: [8, 0]});
      });
    });
    var byAgency = data.agencies.map(function () { return []; });
    var markers = new Array(a.n);
    for (var i = 0; i < a.n; i++) {
      var m = L.marker([a.lat[i], a.lon[i]], {icon: icons[a.ag[i]][a.sens[i]], keyboard: false});
      m.kentIndex = i;
      markers[i] = m;
      byAgency[a.ag[i]].push(m);
    }
    var holder;
    if (data.cluster) {
      /* one synchronous addLayers: chunked loading re-clusters per chunk and is far slower */
      holder = L.markerClusterGroup({chunkedLoading: false, showCoverageOnHover: false,
        maxClusterRadius: 50, spiderfyOnMaxZoom: true, disableClusteringAtZoom: 18,
        removeOutsideVisibleBounds: true});
    } else {
      holder = L.featureGroup(markers);
    }
    /* one shared popup: binding a popup to each of 50,000 markers is slow */
    var assetPopup = L.popup({maxWidth: 380, minWidth: 260, offset: [0, -4]});
    function openAsset(mk) {
      assetPopup.setLatLng(mk.getLatLng()).setContent(assetRecord(data, mk.kentIndex)).openOn(map);
    }
    holder.on("click", function (e) {
      var l = e.layer;
      if (!l || l.kentIndex === undefined) { return; }
      if (measure.active) { measure.add(l.getLatLng()); return; }
      openAsset(l);
    });
    holder.on("mouseover", function (e) {
      var l = e.layer;
      if (l && l.kentIndex !== undefined && !l.getTooltip()) {
        l.bindTooltip(el("span", null, a.name[l.kentIndex])).openTooltip();
      }
    });
    holder.addTo(map);
    if (data.cluster) { holder.addLayers(markers); }
    data.agencies.forEach(function (ag, k) {
      var proxy = L.layerGroup();
      proxy.kentAgency = k;
      proxy.addTo(map);
      overlays[ag.name + " (" + ag.count + ")"] = proxy;
    });
    map.on("overlayadd overlayremove", function (e) {
      var k = e.layer.kentAgency;
      if (k === undefined) { return; }
      if (e.type === "overlayadd") {
        if (data.cluster) { holder.addLayers(byAgency[k]); } else { byAgency[k].forEach(function (mk) { holder.addLayer(mk); }); }
      } else {
        if (data.cluster) { holder.removeLayers(byAgency[k]); } else { byAgency[k].forEach(function (mk) { holder.removeLayer(mk); }); }
      }
      state.markers = holder.getLayers().length;
      map.getContainer().setAttribute("data-markers", String(state.markers));
    });
    reachLayers(map, data.reach, overlays, state);
    layerControl(map, data, bases, overlays);

    /* search */
    function searchEntries() {
      var entries = [];
      data.hulls.forEach(function (h) {
        entries.push({key: h.id + " " + h.agencies, label: h.id + " \u2013 " + h.agencies,
          kind: "co-location", hull: h.id});
      });
      for (var j = 0; j < a.n; j++) {
        entries.push({key: a.name[j] + " " + a.id[j],
          label: a.name[j] + (a.id[j] ? " (" + a.id[j] + ")" : ""),
          kind: data.agencies[a.ag[j]].name, asset: j});
      }
      return entries;
    }
    addSearch(map, searchEntries, function (entry) {
      if (entry.hull !== undefined) {
        var poly = hullById[entry.hull];
        map.fitBounds(poly.getBounds(), {maxZoom: 17, padding: [40, 40]});
        poly.openPopup(poly.getBounds().getCenter());
      } else {
        var mk = markers[entry.asset];
        if (data.cluster && holder.hasLayer(mk)) {
          holder.zoomToShowLayer(mk, function () { openAsset(mk); });
        } else {
          map.setView(mk.getLatLng(), Math.max(map.getZoom(), 16));
          openAsset(mk);
        }
      }
    });

    syncLabels();
    addMinimap(map, [data.district, data.neighbours], data.minimap_tile);
    window.kentassetsCount = function () { return holder.getLayers().length; };
    finish();
    function finish() {
      state.markers = holder.getLayers().length;
      map.getContainer().setAttribute("data-markers", String(state.markers));
      map.getContainer().setAttribute("data-hulls", String(state.hulls));
      map.getContainer().setAttribute("data-assets", String(a.n));
      markReady(map, state);
    }
    return state;
  }

  /* The page's own ready signal, for the browser tests and anyone scripting the page:
     set once every layer is added and Leaflet has laid the view out (map ready, no zoom
     or pan under way, two frames drawn), so that a click lands on the layer it aims at
     however busy the machine. Sets data-ready="true" on the map, data-ready="1" on the
     body and window.kentassetsReady. */
  function markReady(map, state) {
    var frames = 2;
    function moving() {
      return Boolean(map._animatingZoom || (map._panAnim && map._panAnim._inProgress));
    }
    function wait() {
      if (moving() || frames > 0) {
        frames -= 1;
        window.requestAnimationFrame(wait);
        return;
      }
      state.ready = true;
      map.getContainer().setAttribute("data-ready", "true");
      document.body.setAttribute("data-ready", "1");
      window.kentassetsReady = true;
    }
    map.whenReady(wait);
  }

  function escapeText(s) {
    var d = document.createElement("div");
    d.textContent = String(s);
    return d.innerHTML.replace(/"/g, "&quot;").replace(/'/g, "&#39;").replace(/`/g, "&#96;");
  }

  /* ---- county map ------------------------------------------------------------ */

  function countyMap(map, data) {
    var state = {districts: 0, ready: false};
    var made = setUp(map, data, state), bases = made.bases, measure = made.measure;
    var layer = L.featureGroup();
    data.districts.forEach(function (d) {
      var g = L.geoJSON(d.geometry, {style: {color: "#333333", weight: 1.2, fillColor: d.colour,
        fillOpacity: 0.75}});
      g.bindTooltip(el("span", null, d.name + ": " + d.value_text), {sticky: true});
      var card = el("div", "kent-card");
      card.innerHTML = d.card_html;  /* built by Python with escape_html */
      g.bindPopup(card, {maxWidth: 320});
      g.on("click", function (e) { if (measure.active) { g.closePopup(); measure.add(e.latlng); } });
      var label = L.tooltip({permanent: true, direction: "center", className: "kent-district-label",
        interactive: false}).setLatLng(d.label_point).setContent(el("span", null, d.name));
      layer.addLayer(g);
      layer.addLayer(label);
      state.districts += 1;
    });
    layer.addTo(map);
    var overlays = {"Districts": layer};
    var context = contextLayer(map, data.context);
    if (context) { overlays[CONTEXT_NAME] = context; }
    layerControl(map, data, bases, overlays);
    var entries = data.districts.map(function (d) {
      return {key: d.name + " " + d.code, label: d.name, kind: d.code, d: d};
    });
    addSearch(map, entries, function (entry) { map.fitBounds(entry.d.bounds); }, "Search district");
    fit(map, data);
    map.getContainer().setAttribute("data-districts", String(state.districts));
    markReady(map, state);
    return state;
  }

  window.KentAssetsMaps = {districtMap: districtMap, countyMap: countyMap};
})();
