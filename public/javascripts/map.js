/* global document, window, fetch */
// The hotspot map (progressive enhancement): the page already lists the places and areas with their
// counts; this draws the same incidents on a Leaflet map (window.L, loaded just before this file).
// Boundaries and incidents need nothing but this origin; background tiles appear only when the
// partnership has configured a tile server, and the map works the same without them. Every label is
// set as text, never as HTML.
const section = document.querySelector('[data-app-map]');
const L = window.L;

function text(tag, content, className) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  el.textContent = content;
  return el;
}

async function getJson(url) {
  const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

// GOV.UK colours: a sequential orange scale for density, blue incidents, red repeat locations.
const DENSITY = ['#fde0c5', '#fbb382', '#f47738', '#c24e12', '#7a2e05'];
const BOUNDARY = { districts: { color: '#0b0c0c', weight: 2 }, wards: { color: '#505a5f', weight: 1, dashArray: '4 3' }, lsoa: { color: '#6f777b', weight: 0.6 } };

function densityStyle(count, max) {
  const step = Math.min(DENSITY.length - 1, Math.floor((Math.log(count) / Math.log(max + 1)) * DENSITY.length));
  return { color: '#ffffff', weight: 0.5, fillColor: DENSITY[Math.max(0, step)], fillOpacity: 0.7 };
}

function popupFor(lines, link) {
  const box = document.createElement('div');
  for (const line of lines) box.appendChild(text('p', line, 'govuk-body-s govuk-!-margin-bottom-1'));
  if (link) {
    const a = text('a', link.text, 'govuk-link app-map-link');
    a.href = link.href;
    box.appendChild(a);
  }
  return box;
}

const when = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'Europe/London' });

async function start() {
  if (!section || !L) return;
  section.hidden = false;
  const status = section.querySelector('#map-status');
  const container = section.querySelector('#incident-map');
  const map = L.map(container, { keyboard: true, zoomSnap: 0.5, minZoom: 7, maxZoom: 18 });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  map.setView([52.65, -1.15], 9);
  // Leaflet gives the container its tabindex; it also needs to say what it is.
  container.setAttribute('aria-roledescription', 'map');
  if (section.dataset.tiles) {
    L.tileLayer(section.dataset.tiles, { attribution: section.dataset.attribution || '', maxZoom: 19 }).addTo(map);
  }

  const layers = {};
  const toggles = section.querySelectorAll('input[name="layer"]');
  const show = (key) => {
    const box = section.querySelector(`input[name="layer"][value="${key}"]`);
    return !box || box.checked;
  };
  const sync = () => {
    for (const [key, layer] of Object.entries(layers)) {
      if (key === 'density') continue;
      if (show(key) && !map.hasLayer(layer)) layer.addTo(map);
      if (!show(key) && map.hasLayer(layer)) map.removeLayer(layer);
    }
    // Density: large hexagons for the whole partnership, small ones when zoomed in.
    const fine = map.getZoom() >= 12;
    for (const [res, layer] of Object.entries(layers.density || {})) {
      const wanted = show('density') && (res === '8') === fine;
      if (wanted && !map.hasLayer(layer)) layer.addTo(map);
      if (!wanted && map.hasLayer(layer)) map.removeLayer(layer);
    }
    layers.repeats?.bringToFront?.();
    layers.points?.bringToFront?.();
  };
  toggles.forEach((t) => t.addEventListener('change', sync));
  map.on('zoomend', sync);

  const boundaryBase = section.dataset.boundaries;
  const boundary = async (key) => {
    try {
      const geojson = await getJson(`${boundaryBase}${key}.geojson`);
      layers[key] = L.geoJSON(geojson, { interactive: false, style: { ...BOUNDARY[key], fill: false } });
      if (key === 'districts' && geojson.features.length) map.fitBounds(layers[key].getBounds(), { padding: [10, 10] });
      sync();
    } catch {
      // A missing boundary layer leaves the rest of the map working.
    }
  };
  await boundary('districts');
  // Wards and LSOAs are large: fetched the first time someone asks for them.
  for (const key of ['wards', 'lsoa']) {
    const box = section.querySelector(`input[name="layer"][value="${key}"]`);
    box?.addEventListener('change', () => {
      if (box.checked && !layers[key]) boundary(key);
    });
  }

  let data;
  try {
    data = await getJson(section.dataset.api);
  } catch {
    status.textContent = 'The incidents could not be loaded onto the map. The tables below list them.';
    return;
  }

  layers.density = {};
  for (const [res, hexagons] of Object.entries(data.hexagons)) {
    const max = hexagons.reduce((m, h) => Math.max(m, h.count), 1);
    layers.density[res] = L.layerGroup(
      hexagons.map((h) =>
        L.polygon(h.boundary, densityStyle(h.count, max)).bindPopup(() => popupFor([`${h.count} ${h.count === 1 ? 'incident' : 'incidents'} in this hexagon${data.approximate ? ' (about)' : ''}`])),
      ),
    );
  }
  layers.repeats = L.featureGroup(
    data.repeats.map((r) =>
      L.circleMarker([r.lat, r.lng], { radius: 11, color: '#0b0c0c', weight: 2, fillColor: '#d4351c', fillOpacity: 0.9 }).bindPopup(() =>
        popupFor(['Repeat location', r.label || r.postcode || '', `${r.n} ${r.n === 1 ? 'incident' : 'incidents'} here match the filters`]),
      ),
    ),
  );
  if (data.points) {
    layers.points = L.featureGroup(
      data.points.map((p) =>
        L.circleMarker([p.lat, p.lng], { radius: 6, color: '#ffffff', weight: 1.5, fillColor: p.repeat ? '#d4351c' : '#1d70b8', fillOpacity: 0.95 }).bindPopup(() =>
          popupFor([p.reference, p.what, when.format(new Date(p.occurred))], { href: `/incidents/${p.id}`, text: `View ${p.reference}` }),
        ),
      ),
    );
  }
  sync();

  const parts = [`The map shows ${data.mapped} of the ${data.total} ${data.total === 1 ? 'incident' : 'incidents'} you can see that match the filters.`];
  if (!data.points && data.mapped > 0) parts.push(`There are more than ${data.pointLimit}, so they are shown as density only: narrow the filters (a shorter period, or one area) to see each incident.`);
  if (data.repeats.length) parts.push(`${data.repeats.length} repeat ${data.repeats.length === 1 ? 'location is' : 'locations are'} marked in red.`);
  if (!section.dataset.tiles) parts.push('No background map is set up, so only boundaries are drawn beneath the incidents.');
  status.textContent = parts.join(' ');
}

start();
