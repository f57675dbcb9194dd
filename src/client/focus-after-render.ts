"use client";
import { useEffect, useRef, useState } from "react";

/**
 * Moves focus once React has committed the render an event caused. A `requestAnimationFrame` after a state
 * update is not enough: on a loaded machine the frame can run before the new element exists, and focus is lost.
 * `focusAfterRender(find)` runs `find` in an effect of the commit that carries the update, so what it looks
 * for is on the page.
 */
export function useFocusAfterRender(): (find: () => HTMLElement | null | undefined, select?: boolean) => void {
  const pending = useRef<{ find: () => HTMLElement | null | undefined; select: boolean } | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const request = pending.current;
    if (!request) return;
    pending.current = null;
    const target = request.find();
    target?.focus();
    if (request.select && target instanceof HTMLInputElement) target.select();
  }, [tick]);
  return (find, select = false) => {
    pending.current = { find, select };
    setTick((n) => n + 1);
  };
}
