import { objectSlot } from './object-slot';

/**
 * Spanwise's own values on objects the app owns (Koa's `ctx.state.span`, Fastify's `request.span`) must not change
 * what the app sees of them: no enumerable key, nothing in their JSON. A hidden property is a non-enumerable accessor
 * that reads the value; when the app assigns the same key itself, it becomes the ordinary enumerable data property
 * the assignment would have made without Spanwise. One getter/setter pair per key, the values in an object slot: no
 * closure per object.
 */
export type HiddenPropertySetter<T> = (target: object, value: T) => boolean;

/**
 * A setter for the hidden property `key`. It leaves alone objects that already have `key` (own or inherited, e.g.
 * an app's Fastify decorator) or cannot be extended, and returns whether it set the value.
 */
export function hiddenProperty<T>(key: string): HiddenPropertySetter<T> {
  const values = objectSlot<T>();
  const descriptor: PropertyDescriptor = {
    configurable: true,
    enumerable: false,
    get(this: object) {
      return values.get(this);
    },
    set(this: object, value: unknown) {
      values.delete(this);
      Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
    },
  };
  return function setHidden(target: object, value: T): boolean {
    if (key in target || !Object.isExtensible(target)) return false;
    values.set(target, value);
    Object.defineProperty(target, key, descriptor);
    return true;
  };
}
