// std::visit with one lambda per alternative:
//   std::visit(Overloaded{[](const A&) {...}, [](const B&) {...}}, v);
// A missing alternative is a compile error, which is the point.
#ifndef WARREN_SIM_CORE_OVERLOADED_H_
#define WARREN_SIM_CORE_OVERLOADED_H_

namespace warren::internal {

template <typename... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <typename... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace warren::internal

#endif  // WARREN_SIM_CORE_OVERLOADED_H_
