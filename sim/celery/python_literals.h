// Task arguments as a Celery 5.2 producer writes them: the message body is
// Python's json.dumps of [args, kwargs, embed] (kombu's defaults: ", " and
// ": " separators, ensure_ascii), and the argsrepr / kwargsrepr headers are
// Python's repr() of the args tuple and the kwargs dict (Celery's
// saferepr, which equals repr for the short values a scenario holds).
// Arguments are AMQP field values: JSON's types plus the integer widths.
#ifndef WARREN_SIM_CELERY_PYTHON_LITERALS_H_
#define WARREN_SIM_CELERY_PYTHON_LITERALS_H_

#include <string>
#include <vector>

#include "warren/field_value.h"

namespace warren::celery {

// json.dumps(value): null, true, 1, 1.5, "a\u00e9", [1, 2], {"k": 3}.
void AppendJson(const FieldValue& value, std::string& out);
// repr(value): None, True, 1, 1.5, 'a', [1, 2], {'k': 3}.
void AppendRepr(const FieldValue& value, std::string& out);

// json.dumps([args, kwargs, {"callbacks": null, ...}]): the v2 body.
std::string TaskBody(const std::vector<FieldValue>& args, const FieldTable& kwargs);
// repr(tuple(args)): "()", "(7,)", "(1, 'two')".
std::string ArgsRepr(const std::vector<FieldValue>& args);
// repr(kwargs): "{}", "{'k': 3}".
std::string KwargsRepr(const FieldTable& kwargs);

}  // namespace warren::celery

#endif  // WARREN_SIM_CELERY_PYTHON_LITERALS_H_
