import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'
import App from './App.vue'
import { loadConfig } from './config'
import { currentUser, initAuth, onUserChanged } from './auth/oidc'
import { createConsoleRouter } from './router'
import { useSession } from './stores/session'
import './style.css'

async function start() {
  const app = createApp(App)
  const pinia = createPinia()
  app.use(pinia)
  app.use(ElementPlus, { locale: zhCn })
  try {
    initAuth(await loadConfig())
  } catch (error) {
    document.getElementById('app')!.textContent = `无法启动：${(error as Error).message}`
    return
  }
  const session = useSession()
  session.signedIn((await currentUser())?.access_token ?? null)
  onUserChanged((user) => session.signedIn(user?.access_token ?? null))
  app.use(createConsoleRouter())
  app.mount('#app')
}

start()
