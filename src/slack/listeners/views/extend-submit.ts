import { dateSubmission } from '../date-submission';

export const extendSubmit = dateSubmission('request-extension', 'extend-submit');
