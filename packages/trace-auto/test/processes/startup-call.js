'use strict';
// Calls CALL_URL once with fetch outside any request (as startup code does), then ends by itself.
fetch(process.env.CALL_URL).then((answer) => answer.text());
