// Vant tag types from the Element Plus tones of shared/ (Vant has 'default' where Element Plus
// has 'info').
export const vantTone = (tone) => (tone === 'info' ? 'default' : tone);
