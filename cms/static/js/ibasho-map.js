/* The ibasho map: an enhancement of the list, which is complete without it. Markers come
   from the page's GeoJSON; only the places in the (filtered) list are shown. If tiles cannot
   load, the markers still work; every marker is reachable with the keyboard. */
(function () {
  "use strict";
  var element = document.getElementById("ibasho-map");
  if (!element || typeof L === "undefined") return;
  var shown = (element.dataset.places || "").split(",").filter(Boolean);
  // Shown before the map is made: Leaflet measures its element, and a hidden one has no
  // size, so fitting the markers would zoom to nothing and leave them all off screen.
  element.hidden = false;
  var map = L.map(element, { scrollWheelZoom: false }).setView(
    [parseFloat(element.dataset.lat), parseFloat(element.dataset.lng)], 14
  );
  L.tileLayer(element.dataset.tiles, {
    attribution: element.dataset.attribution,
    maxZoom: 18,
  }).addTo(map);
  fetch(element.dataset.geojson, { headers: { Accept: "application/geo+json" } })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var features = data.features.filter(function (feature) {
        return shown.indexOf(String(feature.id)) !== -1;
      });
      var layer = L.geoJSON({ type: "FeatureCollection", features: features }, {
        pointToLayer: function (feature, latlng) {
          var name = feature.properties.name;
          return L.marker(latlng, { title: name, alt: name, keyboard: true });
        },
        onEachFeature: function (feature, marker) {
          var p = feature.properties;
          var box = document.createElement("div");
          var link = document.createElement("a");
          link.href = p.url;
          link.textContent = p.name;
          var when = document.createElement("p");
          when.textContent = p.schedule;
          box.appendChild(link);
          box.appendChild(when);
          marker.bindPopup(box);
        },
      }).addTo(map);
      if (features.length) {
        map.invalidateSize();
        map.fitBounds(layer.getBounds(), { padding: [40, 40], maxZoom: 15 });
      }
      // A phone turned sideways, or a window resized: keep every marker in view.
      window.addEventListener("resize", function () {
        if (!features.length) return;
        map.invalidateSize();
        map.fitBounds(layer.getBounds(), { padding: [40, 40], maxZoom: 15 });
      });
      element.dataset.markers = String(features.length);
    })
    .catch(function () {
      element.dataset.markers = "error";
    });
})();
