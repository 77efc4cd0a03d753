// One shared player for voice previews: starting a preview stops the one before.
import { ref } from 'vue'

/** The preview URL playing now, or null. */
export const playingUrl = ref(/** @type {string | null} */ (null))
let audio = null

/** Play `url`, or stop it when it is the one playing. */
export async function togglePreview(url) {
  if (audio) {
    audio.pause()
    audio = null
  }
  if (playingUrl.value === url) {
    playingUrl.value = null
    return
  }
  const player = new Audio(url)
  audio = player
  playingUrl.value = url
  player.addEventListener('ended', () => {
    if (audio === player) {
      audio = null
      playingUrl.value = null
    }
  })
  try {
    await player.play()
  } catch {
    if (audio === player) {
      audio = null
      playingUrl.value = null
    }
  }
}
