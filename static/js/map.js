// @ts-check
// The map drawn as SVG: the rooms seen, the ways between them, the player's room marked, and the
// rooms next to the player's as buttons that walk there (click, Enter or Space).

/** @typedef {import("./map_layout.js").MapLayout} MapLayout */

/** A room's square, in pixels. */
const ROOM = 30;

const SVG = "http://www.w3.org/2000/svg";

/**
 * @param {string} name
 * @param {Record<string, string | number>} attributes
 */
function svgElement(name, attributes) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/**
 * Makes an SVG element act as a button: focusable, named, and pressed by click, Enter or Space.
 * @param {SVGElement} element
 * @param {string} label
 * @param {() => void} press
 */
function asButton(element, label, press) {
  element.setAttribute("role", "button");
  element.setAttribute("tabindex", "0");
  element.setAttribute("aria-label", label);
  element.classList.add("walkable");
  element.addEventListener("click", press);
  element.addEventListener("keydown", (event) => {
    const key = /** @type {KeyboardEvent} */ (event).key;
    if (key === "Enter" || key === " ") {
      event.preventDefault();
      press();
    }
  });
}

/**
 * Draws the map into `svg`.
 * @param {SVGSVGElement} svg
 * @param {MapLayout | undefined} layout
 * @param {(direction: string) => void} walk what choosing a room next to the player does
 */
export function drawMap(svg, layout, walk) {
  svg.replaceChildren();
  if (layout === undefined) {
    const text = svgElement("text", { x: 0, y: 0, "text-anchor": "middle", class: "map-empty" });
    text.textContent = "No map of this place.";
    svg.append(text);
    return;
  }
  for (const link of layout.links) svg.append(svgElement("line", { ...link, class: "map-link" }));
  for (const stub of layout.stubs) {
    const line = svgElement("line", { ...stub, class: "map-stub" });
    if (stub.walk !== undefined) {
      const direction = stub.walk;
      const group = svgElement("g", {});
      // A dot marks the way; a wider, invisible circle makes it easy to hit with a finger.
      group.append(
        line,
        svgElement("circle", { cx: stub.x2, cy: stub.y2, r: 4, class: "map-stub-end" }),
        svgElement("circle", { cx: stub.x2, cy: stub.y2, r: 12, class: "map-hit" }),
      );
      asButton(group, `Walk ${direction}, somewhere not yet seen`, () => walk(direction));
      svg.append(group);
    } else {
      svg.append(line);
    }
  }
  for (const room of layout.rooms) {
    const group = svgElement("g", { class: room.here ? "map-room here" : "map-room" });
    const square = svgElement("rect", {
      x: room.cx - ROOM / 2,
      y: room.cy - ROOM / 2,
      width: ROOM,
      height: ROOM,
      rx: 3,
    });
    const title = svgElement("title", {});
    title.textContent = room.here ? `${room.name} (you are here)` : room.name;
    group.append(title, square);
    if (room.here) {
      group.append(svgElement("circle", { cx: room.cx, cy: room.cy, r: 5, class: "map-you" }));
      for (const [index, direction] of layout.vertical.entries()) {
        const mark = svgElement("text", {
          x: room.cx + ROOM / 2 + 3,
          y: room.cy - 2 + index * 11,
          class: "map-vertical",
        });
        mark.textContent = direction === "up"
          ? "▲ up"
          : direction === "down"
          ? "▼ down"
          : direction;
        group.append(mark);
      }
    }
    if (room.walk !== undefined) {
      const direction = room.walk;
      asButton(group, `Walk ${direction} to ${room.name}`, () => walk(direction));
    }
    svg.append(group);
  }
  // Party members: a lettered dot at the corner of the room each is in.
  for (const [index, member] of layout.party.entries()) {
    const x = member.cx + ROOM / 2 - 2 - (index % 3) * 9;
    const y = member.cy - ROOM / 2 + 2;
    const mark = svgElement("g", { class: "map-party" });
    const title = svgElement("title", {});
    title.textContent = `${member.name} (your party)`;
    const letter = svgElement("text", { x, y: y + 3.5, "text-anchor": "middle" });
    letter.textContent = member.name.charAt(0).toUpperCase();
    mark.append(title, svgElement("circle", { cx: x, cy: y, r: 6 }), letter);
    svg.append(mark);
  }
}
