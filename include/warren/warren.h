// Umbrella header for embedders.
#ifndef WARREN_INCLUDE_WARREN_WARREN_H_
#define WARREN_INCLUDE_WARREN_WARREN_H_

#include "warren/channel.h"
#include "warren/connection.h"
#include "warren/field_value.h"
#include "warren/inspect.h"
#include "warren/message.h"
#include "warren/options.h"
#include "warren/reply_code.h"
#include "warren/simulation.h"
#include "warren/trace.h"
#include "warren/version.h"

#endif  // WARREN_INCLUDE_WARREN_WARREN_H_
