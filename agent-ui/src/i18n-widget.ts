// Strings of the web chat widget's settings (Management → Channels → Web chat), merged into i18n.ts.
export const widgetEn = {
  widgetGreeting: 'Greeting shown to visitors', widgetGreetingHelp: 'Shown at the top of every chat, in the visitor\'s language. Empty: the built-in greeting.',
  widgetGreeting_tr: 'Turkish', widgetGreeting_en: 'English', widgetSave: 'Save greeting', widgetSaved: 'Saved. Visitors see it the next time their chat connects.',
};
export const widgetTr: typeof widgetEn = {
  widgetGreeting: 'Ziyaretçilere gösterilen karşılama', widgetGreetingHelp: 'Her sohbetin başında, ziyaretçinin dilinde gösterilir. Boş bırakılırsa hazır karşılama kullanılır.',
  widgetGreeting_tr: 'Türkçe', widgetGreeting_en: 'İngilizce', widgetSave: 'Karşılamayı kaydet', widgetSaved: 'Kaydedildi. Ziyaretçiler sohbetleri yeniden bağlandığında görür.',
};
