import { dateSubmission } from '../date-submission';

export const reactivateSubmit = dateSubmission('reactivate', 'reactivate-submit');
