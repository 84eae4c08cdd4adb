#include "replay_window.h"

namespace snowsignal {

ReplayWindow::Slot& ReplayWindow::slot_for(std::uint64_t sender) {
  Slot* free_slot = nullptr;
  Slot* oldest = nullptr;
  for (Slot& slot : slots_) {
    if (slot.used && slot.sender == sender) return slot;
    if (!slot.used) {
      if (free_slot == nullptr) free_slot = &slot;
    } else if (oldest == nullptr || slot.last < oldest->last) {
      oldest = &slot;
    }
  }
  // A new sender takes a free slot, else the one heard from longest ago.
  Slot& chosen = free_slot != nullptr ? *free_slot : *oldest;
  chosen.used = false;
  return chosen;
}

bool ReplayWindow::accept(std::uint64_t sender, std::uint64_t boot, std::uint64_t sequence,
                          TimePoint now) {
  Slot& slot = slot_for(sender);
  if (!slot.used || boot > slot.boot) {
    // An unknown sender, or a known one that restarted: the window starts here.
    slot = Slot{true, sender, boot, sequence, 1, now};
    return true;
  }
  if (boot < slot.boot) return false;  // recorded before the sender's last restart
  if (sequence > slot.highest) {
    const std::uint64_t shift = sequence - slot.highest;
    slot.seen = shift >= kWidth ? 0 : slot.seen << shift;
    slot.seen |= 1;
    slot.highest = sequence;
    slot.last = now;
    return true;
  }
  const std::uint64_t behind = slot.highest - sequence;
  if (behind >= kWidth) return false;
  const std::uint64_t bit = std::uint64_t{1} << behind;
  if ((slot.seen & bit) != 0) return false;
  slot.seen |= bit;
  slot.last = now;
  return true;
}

}  // namespace snowsignal
