#ifndef WARREN_INCLUDE_WARREN_VERSION_H_
#define WARREN_INCLUDE_WARREN_VERSION_H_

#define WARREN_VERSION_STRING "0.1.0"
// The broker version whose behaviour Warren models.
#define WARREN_MODELED_RABBITMQ "3.10.8"

#endif  // WARREN_INCLUDE_WARREN_VERSION_H_
