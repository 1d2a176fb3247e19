// Task arguments as a Celery 5.2 producer writes them: the message body is
// Python's json.dumps of [args, kwargs, embed] (kombu's defaults: ", " and
// ": " separators, ensure_ascii), and the argsrepr / kwargsrepr headers are
// Celery's saferepr() of the args and the kwargs dict (repr, except that a
// str is always single-quoted with only ' escaped; no truncation modelled:
// saferepr cuts at 1024 characters and nests 3 levels deep).
// Arguments are AMQP field values: JSON's types plus the integer widths.
#ifndef WARREN_SIM_CELERY_PYTHON_LITERALS_H_
#define WARREN_SIM_CELERY_PYTHON_LITERALS_H_

#include <string>
#include <vector>

#include "warren/field_value.h"

namespace warren::celery {

// json.dumps(value): null, true, 1, 1.5, "a\u00e9", [1, 2], {"k": 3}.
void AppendJson(const FieldValue& value, std::string& out);
// saferepr(value): None, True, 1, 1.5, 'a', [1, 2], {'k': 3}.
void AppendRepr(const FieldValue& value, std::string& out);

// json.dumps([args, kwargs, {"callbacks": null, ...}]): the v2 body.
std::string TaskBody(const std::vector<FieldValue>& args, const FieldTable& kwargs);
// saferepr(args): apply_async(args=[...]) writes the list, "['order-1']";
// a retry re-sends them as a tuple, "('order-1',)", "(7,)", "()".
std::string ArgsRepr(const std::vector<FieldValue>& args, bool tuple);
// repr(kwargs): "{}", "{'k': 3}".
std::string KwargsRepr(const FieldTable& kwargs);

}  // namespace warren::celery

#endif  // WARREN_SIM_CELERY_PYTHON_LITERALS_H_
