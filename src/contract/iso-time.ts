// ISO 8601 as the relay and the manifest accept it: a calendar date, or a date-time with a zone
// (`Z` or ±hh:mm). `Date.parse` alone takes "1", "March 7" and other local, guessable forms.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

export function isIsoDateTime(value: unknown): value is string {
  return typeof value === 'string' && ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}
