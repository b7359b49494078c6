/** `manufacturer`: promotions filed under the manufacturer's id; `numeric`: numbers handed out per location. */
export const REGISTER_ID_MODES = ['manufacturer', 'numeric'] as const;
export type RegisterIdMode = (typeof REGISTER_ID_MODES)[number];
