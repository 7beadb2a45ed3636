// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// Pitwall: @grafana/ui's Combobox renders its options in a virtual list that
// measures its container; jsdom has no layout, so give elements a size.
Object.defineProperty(Element.prototype, 'getBoundingClientRect', {
  configurable: true,
  value: () => ({ width: 240, height: 240, top: 0, left: 0, bottom: 240, right: 240, x: 0, y: 0, toJSON: () => ({}) }),
});

// The virtual list (@tanstack/react-virtual) reads its viewport from clientWidth/clientHeight.
for (const prop of ['clientWidth', 'clientHeight']) {
  Object.defineProperty(HTMLElement.prototype, prop, { configurable: true, get: () => 400 });
}

// Floating menus watch their anchor's size; jsdom has no ResizeObserver.
if (typeof global.ResizeObserver === 'undefined') {
  global.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}

// Combobox sizes its menu with canvas text metrics; jsdom has no canvas.
HTMLCanvasElement.prototype.getContext = function () {
  return {
    font: '',
    measureText: (text) => ({ width: String(text).length * 7 }),
  };
};

// Scroll indicators in menus watch visibility; jsdom has no IntersectionObserver.
if (typeof global.IntersectionObserver === 'undefined') {
  global.IntersectionObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
    takeRecords() {
      return [];
    }
  };
}

// Quiet i18next's advert, printed once per test file by @grafana/i18n.
const info = console.info;
console.info = (...args) => {
  if (typeof args[0] === 'string' && args[0].includes('i18next is made possible')) {
    return;
  }
  info(...args);
};
