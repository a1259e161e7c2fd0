// Makes ECharts' server-rendered SVG safe to put inline in our pages. Our CSP has no
// 'unsafe-inline' for styles, so a browser ignores every style="" attribute and <style> element in
// the page: ECharts writes its fonts as style="", which would silently fall back to the browser's
// defaults. Fonts become SVG presentation attributes (not governed by style-src), the hover-only
// <style> block and ECharts' bookkeeping attributes go, and the root gets what assistive technology
// needs: role="img" named by a <title> and described by a <desc>.

const FONT_PROPERTIES = new Set(['font-size', 'font-family', 'font-weight', 'font-style', 'font-variant']);

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** One style="" declaration list as presentation attributes; declarations SVG has no attribute for are dropped. */
function styleToAttributes(style: string): string {
  const attrs: string[] = [];
  for (const declaration of style.split(';')) {
    const colon = declaration.indexOf(':');
    if (colon < 0) continue;
    const name = declaration.slice(0, colon).trim().toLowerCase();
    const value = declaration.slice(colon + 1).trim();
    if (!FONT_PROPERTIES.has(name) || !value) continue;
    // The value came out of an attribute already escaped; keep it escaped, and never let a quote end it.
    attrs.push(`${name}="${value.replace(/"/g, '&quot;')}"`);
  }
  return attrs.join(' ');
}

export interface SvgLabel {
  /** Unique in the page: prefixes the title, description and any internal ids. */
  id: string;
  title: string;
  description: string;
  className?: string;
}

export function sanitiseChartSvg(raw: string, label: SvgLabel): string {
  const idPrefix = label.id.replace(/[^A-Za-z0-9_-]/g, '-');
  let svg = raw
    .replace(/<style[\s\S]*?<\/style>/gi, '')
    .replace(/\sstyle="([^"]*)"/g, (_m, style: string) => {
      const attrs = styleToAttributes(style);
      return attrs ? ` ${attrs}` : '';
    })
    .replace(/\secmeta_[a-z_]+="[^"]*"/g, '')
    .replace(/\sclass="zr\d+-cls-\d+"/g, '')
    // zrender numbers its instances per process: give clip paths and gradients ids of this chart's own.
    .replace(/(id="|url\(#|href="#)zr\d+-/g, (_m, before: string) => `${before}${idPrefix}-`)
    .replace(/>\s*\n\s*</g, '><');
  const titleId = `${idPrefix}-title`;
  const descId = `${idPrefix}-desc`;
  svg = svg.replace(/<svg\b([^>]*)>/, (_m, attrs: string) => {
    const kept = attrs
      .replace(/\s(width|height|aria-label|role|class|focusable|aria-labelledby|aria-describedby)="[^"]*"/g, '')
      .trim();
    return (
      `<svg ${kept} class="${escapeXml(label.className ?? 'app-chart__svg')}" role="img" focusable="false" ` +
      `aria-labelledby="${titleId} ${descId}"><title id="${titleId}">${escapeXml(label.title)}</title>` +
      `<desc id="${descId}">${escapeXml(label.description)}</desc>`
    );
  });
  if (/\sstyle=|<style/i.test(svg)) throw new Error('chart SVG still carries inline styles, which our CSP blocks');
  if (/<script|\son[a-z]+=/i.test(svg)) throw new Error('chart SVG carries script');
  return svg;
}

/**
 * A chart as an SVG document of its own, for an <img>: the inline chart drops width and height so the
 * page's CSS can scale it, but an image needs an intrinsic size (without one a browser falls back to
 * 300×150 and reports no natural width), so the root gets them back.
 */
export function standaloneSvg(svg: string, size: { width: number; height: number }): string {
  return svg.replace(/^<svg\b/, `<svg width="${Math.round(size.width)}" height="${Math.round(size.height)}"`);
}
